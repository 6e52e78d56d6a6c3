import Foundation
import Synchronization
import Testing
@testable import Weave

/// A value behind a `Mutex`, shareable by the test's threads.
final class Locked<Value: Sendable>: Sendable {
    let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

// The scheduling rule of `weave check`/`render` for exclusive articles, with fake work:
// counters and the gate's own state order the threads; nothing here measures time.
@Suite("Exclusive articles run alone")
struct RunGateTests {
    /// Runs `body` on a new thread; returns a semaphore signalled when it ends.
    func spawn(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread { body(); done.signal() }.start()
        return done
    }

    /// Waits (bounded) until `condition` holds; false if it never does.
    func eventually(_ condition: () -> Bool) -> Bool {
        for _ in 0..<20_000 {
            if condition() { return true }
            usleep(500)
        }
        return false
    }

    struct Activity {
        var shared = 0, exclusive = 0, maxShared = 0
        var violations: [String] = []
        var log: [String] = []
    }

    @Test("mixed work on 4 threads: an exclusive body never overlaps any other body")
    func noOverlap() {
        let gate = RunGate()
        let activity = Locked(Activity())
        let next = Locked(0)
        // 40 items; every 5th is exclusive.
        let threads = (0..<4).map { _ in
            spawn {
                while true {
                    let i = next.withLock { v -> Int in v += 1; return v - 1 }
                    if i >= 40 { break }
                    let alone = i % 5 == 0
                    gate.run(alone: alone) {
                        activity.withLock { a in
                            if alone {
                                if a.shared > 0 || a.exclusive > 0 { a.violations.append("item \(i) started beside \(a.shared) shared, \(a.exclusive) exclusive") }
                                a.exclusive += 1
                            } else {
                                if a.exclusive > 0 { a.violations.append("item \(i) started beside an exclusive item") }
                                a.shared += 1
                                a.maxShared = max(a.maxShared, a.shared)
                            }
                        }
                        for _ in 0..<200 { sched_yield() }          // give others a chance to overlap
                        activity.withLock { a in
                            if alone { a.exclusive -= 1 } else { a.shared -= 1 }
                            a.log.append("\(i)")
                        }
                    }
                }
            }
        }
        for t in threads { t.wait() }
        activity.withLock { a in
            #expect(a.violations == [])
            #expect(a.log.count == 40)
            #expect(a.shared == 0 && a.exclusive == 0)
        }
    }

    @Test("shared bodies do run side by side")
    func sharedOverlap() {
        let gate = RunGate()
        let inside = Locked(0)
        let bothIn = Locked(false)
        let threads = (0..<2).map { _ in
            spawn {
                gate.shared {
                    inside.withLock { $0 += 1 }
                    // Each waits (bounded) for the other to be inside too.
                    let met = (0..<20_000).contains { _ in
                        if inside.withLock({ $0 }) == 2 { return true }
                        usleep(500); return false
                    }
                    if met { bothIn.withLock { $0 = true } }
                }
            }
        }
        for t in threads { t.wait() }
        #expect(bothIn.withLock { $0 })
    }

    @Test("a waiting exclusive body goes before shared work that arrives after it; the others resume after")
    func writerPreference() {
        let gate = RunGate()
        let order = Locked<[String]>([])
        let release = DispatchSemaphore(value: 0)
        let a = spawn { gate.shared { order.withLock { $0.append("A starts") }; release.wait(); order.withLock { $0.append("A ends") } } }
        #expect(eventually { gate.state.sharedRunning == 1 })
        let b = spawn { gate.exclusive { order.withLock { $0.append("B alone") } } }
        #expect(eventually { gate.state.exclusiveWaiting == 1 })
        let c = spawn { gate.shared { order.withLock { $0.append("C") } } }
        #expect(eventually { gate.state.sharedWaiting == 1 })       // C waits although only shared work runs
        release.signal()
        for t in [a, b, c] { t.wait() }
        #expect(order.withLock { $0 } == ["A starts", "A ends", "B alone", "C"])
        let s = gate.state
        #expect(s.sharedRunning == 0 && s.sharedWaiting == 0 && !s.exclusiveRunning && s.exclusiveWaiting == 0)
    }
}
