import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to the preview server, for requests that URLSession will not
/// send (another `Host`, headers sent slowly, many idle connections).
final class RawConnection {
    let fd: Int32

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Connects to 127.0.0.1:`port`.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else {
            close(fd)
            throw Failure(description: "connect: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Sends `text`; false when the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// What arrives within `timeout` seconds, until the server closes the connection or
    /// (with `untilHeadEnd`) the response head is complete; `closed` tells which.
    func receive(timeout: Double, untilHeadEnd: Bool = false) -> (text: String, closed: Bool) {
        var data = [UInt8]()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&p, 1, ms) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return (String(decoding: data, as: UTF8.self), true) }
            data += buffer[0..<n]
            if untilHeadEnd, String(decoding: data, as: UTF8.self).contains("\r\n\r\n") { break }
        }
        return (String(decoding: data, as: UTF8.self), false)
    }

    /// The status code of `GET path` with header `Host: host` (nil: no answer in `timeout`).
    static func status(port: Int, host: String?, path: String = "/", timeout: Double = 30) throws -> Int? {
        let c = try RawConnection(port: port)
        c.send("GET \(path) HTTP/1.1\r\n" + (host.map { "Host: \($0)\r\n" } ?? "") + "Connection: close\r\n\r\n")
        let reply = c.receive(timeout: timeout, untilHeadEnd: true).text
        guard reply.hasPrefix("HTTP/1.1 ") else { return nil }
        return Int(reply.dropFirst(9).prefix(3))
    }
}
