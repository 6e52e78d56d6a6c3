import Foundation

/// The Server-Sent Events channel of the preview (`/__weave/events`): every open page
/// holds one stream and reloads itself when an event names its article.
///
/// Wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html):
/// `event: reload\ndata: NAME\n\n`, where NAME is the article's output name
/// (`attention`, `posts/intro`); comments (`: ping`) keep idle connections checked.
public final class EventHub: @unchecked Sendable {
    private let lock = NSLock()
    private var subscribers: [Int: AsyncStream<String>.Continuation] = [:]
    private var nextID = 0
    private var closed = false

    public init() {}

    /// A new subscriber: its id (for `unsubscribe`) and its stream of raw SSE messages;
    /// nil once the hub is closed (the server is shutting down: the request ends at once).
    public func subscribe() -> (Int, AsyncStream<String>)? {
        lock.lock(); defer { lock.unlock() }
        if closed { return nil }
        let id = nextID
        nextID += 1
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(64))
        subscribers[id] = continuation
        return (id, stream)
    }

    /// Forgets a subscriber (its connection ended).
    public func unsubscribe(_ id: Int) {
        lock.lock()
        let c = subscribers.removeValue(forKey: id)
        lock.unlock()
        c?.finish()
    }

    /// Tells every open page that `name` changed.
    public func reload(_ name: String) {
        // One line of data: output names never contain newlines, but be safe.
        let data = name.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        broadcast("event: reload\ndata: \(data)\n\n")
    }

    /// A comment line: keeps proxies from timing out and lets dead connections fail.
    public func ping() { broadcast(": ping\n\n") }

    func broadcast(_ message: String) {
        lock.lock()
        let targets = Array(subscribers.values)
        lock.unlock()
        for c in targets { c.yield(message) }
    }

    /// Number of open event streams.
    public var count: Int { lock.lock(); defer { lock.unlock() }; return subscribers.count }

    /// Ends every stream and refuses new ones (graceful shutdown: open `EventSource`
    /// responses must end, or the server would wait for them forever).
    public func close() {
        lock.lock()
        closed = true
        let targets = Array(subscribers.values)
        subscribers.removeAll()
        lock.unlock()
        for c in targets { c.finish() }
    }
}
