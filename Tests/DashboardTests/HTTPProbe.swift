import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client on a plain socket, so that tests send exactly the bytes they
/// mean to (oversized targets, bodies on a GET) and read exactly what came back.
struct HTTPProbe {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: UInt16

    func get(_ target: String, headers: [String: String] = [:], method: String = "GET", body: String = "") async throws -> Response {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + body
        return try await exchange(Array(request.utf8))
    }

    /// Sends `bytes`, reads the response until the server closes, its body is complete or
    /// holds `until` (an event stream never ends), for at most 30 s (a bound for a loaded
    /// machine, not a target), and parses it. The blocking socket calls run on a thread of
    /// their own: on the concurrency pool they could hold the threads the server needs to
    /// answer (two cores make a pool of two).
    func exchange(_ bytes: [UInt8], until: String? = nil) async throws -> Response {
        let port = port
        return try await onOwnThread { try HTTPProbe(port: port).blockingExchange(bytes, until: until) }
    }

    private func blockingExchange(_ bytes: [UInt8], until: String?) throws -> Response {
        let deadline = ContinuousClock.now + .seconds(30)
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to port \(port): errno \(errno)") }
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }  // the server may answer and close before reading everything
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            let count = recv(socket, &buffer, buffer.count, 0)
            // Nothing within the 1-s receive timeout (or a signal): look at the deadline, wait on.
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
            if count <= 0 { break }
            received += buffer[0..<count]
            if let response = Self.parse(received) {
                if response.complete { return response.response }
                if let until, response.response.body.contains(until) { return response.response }
            }
        }
        guard let response = Self.parse(received) else {
            throw Failure(description: "no HTTP response (\(received.count) bytes)")
        }
        return response.response
    }

    private static func parse(_ bytes: [UInt8]) -> (response: Response, complete: Bool)? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = String(text[end.upperBound...])
        let complete = headers["content-length"].flatMap(Int.init).map { body.utf8.count >= $0 } ?? false
        return (Response(status: status, headers: headers, body: body), complete)
    }
}
