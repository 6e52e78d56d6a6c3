import Foundation
import Hummingbird

/// Which `Host` headers `weave serve` answers (DNS rebinding): a web page on another site
/// whose name is made to resolve to 127.0.0.1 can make the browser send requests to the
/// preview, but they carry that site's name as `Host`. Only these are answered:
///
/// - the loopback names and addresses `localhost`, `127.0.0.1` and `[::1]`;
/// - the `--host` the server was given (e.g. `mybox.local`);
/// - when `--host` is a wildcard address (`0.0.0.0`, `::`), any IP address literal
///   (a literal cannot be rebound to another machine).
///
/// Each with or without a port. Anything else, and a request without `Host`, gets
/// `421 Misdirected Request`.
public struct AllowedHosts: Sendable {
    /// Lower-cased host names and addresses (IPv6 without brackets).
    let names: Set<String>
    /// Whether any IP address literal is accepted.
    let anyAddress: Bool

    /// The hosts accepted by a server bound to `bindHost` (the `--host` value).
    public init(bindHost: String) {
        let bind = AllowedHosts.normalize(bindHost)
        names = ["localhost", "127.0.0.1", "::1", bind]
        anyAddress = bind == "0.0.0.0" || bind == "::"
    }

    /// Whether a request whose `Host` header is `header` is answered.
    public func accepts(_ header: String?) -> Bool {
        guard let header, let host = AllowedHosts.hostPart(header) else { return false }
        if names.contains(host) { return true }
        return anyAddress && AllowedHosts.isAddressLiteral(host)
    }

    /// The host of a `Host` header without its port: `name`, `name:8000`, `[::1]:8000`
    /// give `name`, `name`, `::1`; nil when malformed (an empty name, a bad port, a
    /// bracket that does not close).
    static func hostPart(_ header: String) -> String? {
        let h = header.trimmingCharacters(in: .whitespaces)
        var host: Substring
        var port: Substring?
        if h.hasPrefix("[") {
            guard let close = h.firstIndex(of: "]") else { return nil }
            host = h[h.index(after: h.startIndex)..<close]
            let rest = h[h.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { return nil }
                port = rest.dropFirst()
            }
        } else if let colon = h.firstIndex(of: ":") {
            host = h[..<colon]
            port = h[h.index(after: colon)...]
        } else {
            host = Substring(h)
        }
        if let port, port.isEmpty || port.count > 5 || !port.allSatisfy(\.isASCII) || !port.allSatisfy(\.isNumber) { return nil }
        let name = normalize(String(host))
        return name.isEmpty ? nil : name
    }

    /// Lower case, without brackets or a final dot.
    static func normalize(_ s: String) -> String {
        var n = s.lowercased()
        if n.hasPrefix("[") && n.hasSuffix("]") { n = String(n.dropFirst().dropLast()) }
        if n.hasSuffix(".") { n.removeLast() }
        return n
    }

    /// Whether `host` is an IPv4 or IPv6 address literal.
    static func isAddressLiteral(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

/// Answers `421 Misdirected Request` to requests whose `Host` is not one of
/// `AllowedHosts` (see there), before any route runs.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: AllowedHosts

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard allowed.accepts(request.head.authority) else {
            let text = "421 Misdirected Request: weave serve answers only requests for localhost, 127.0.0.1, [::1] or its --host\n"
            return Response(status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return try await next(request, context)
    }
}
