import Foundation

/// Lets article programs run side by side, except an exclusive one, which runs alone
/// (issue 16: an article that measures time must not share the cores with other articles).
///
/// A readers–writer gate with writer preference:
/// - `shared` work starts when no exclusive work is running **or waiting** (so a waiting
///   exclusive article is not starved by a stream of ordinary ones);
/// - `exclusive` work starts when nothing else (shared or exclusive) is running; the
///   workers that would start other articles meanwhile wait, and resume after it.
///
/// Only the part of an article that can run its program (compile, run, cache lookup) is
/// gated; parsing and rendering are not.
public final class RunGate: @unchecked Sendable {
    // All fields are guarded by `condition`.
    private let condition = NSCondition()
    private var sharedRunning = 0
    private var exclusiveRunning = false
    private var exclusiveWaiting = 0
    private var sharedWaiting = 0

    public init() {}

    /// (shared running, shared waiting, exclusive running, exclusive waiting): for tests
    /// that order threads by what the gate has seen, never by time.
    var state: (sharedRunning: Int, sharedWaiting: Int, exclusiveRunning: Bool, exclusiveWaiting: Int) {
        condition.lock(); defer { condition.unlock() }
        return (sharedRunning, sharedWaiting, exclusiveRunning, exclusiveWaiting)
    }

    /// Runs `body` alongside other shared work, once no exclusive work runs or waits.
    public func shared<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        sharedWaiting += 1
        while exclusiveRunning || exclusiveWaiting > 0 { condition.wait() }
        sharedWaiting -= 1
        sharedRunning += 1
        condition.unlock()
        defer {
            condition.lock()
            sharedRunning -= 1
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }

    /// Runs `body` alone: after all running work has finished, with no other work started
    /// until it returns.
    public func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        exclusiveWaiting += 1
        while exclusiveRunning || sharedRunning > 0 { condition.wait() }
        exclusiveWaiting -= 1
        exclusiveRunning = true
        condition.unlock()
        defer {
            condition.lock()
            exclusiveRunning = false
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }

    /// `exclusive(body)` when `alone`, else `shared(body)`.
    public func run<T>(alone: Bool, _ body: () throws -> T) rethrows -> T {
        alone ? try exclusive(body) : try shared(body)
    }
}
