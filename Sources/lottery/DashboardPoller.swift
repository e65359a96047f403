import Foundation
import Synchronization

/// An open dashboard page, as `lottery bench coordinator --dashboard` imitates it: its event
/// stream held open and read, and every 500 ms the requests a page and a Prometheus scrape
/// make (`/metrics`, a page of `/api/trials`, `/api/levels`), on threads of its own.
final class DashboardPoller: Sendable {
    let port: UInt16
    private let stopping = Atomic<Bool>(false)
    private let requests = Atomic<Int>(0)
    private let streamed = Atomic<Int>(0)

    init(port: UInt16) {
        self.port = port
    }

    /// A port that was free a moment ago on 127.0.0.1.
    static func freePort() -> UInt16 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 ? getsockname(socket, pointer, &length) : -1
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    func start() {
        Thread { [self] in
            while !stopping.load(ordering: .relaxed) {
                // Reconnects when the coordinator is not listening yet, or the stream ended.
                streamed.add(exchange("/api/stream", whileRunning: true), ordering: .relaxed)
                Thread.sleep(forTimeInterval: 0.2)
            }
        }.start()
        Thread { [self] in
            while !stopping.load(ordering: .relaxed) {
                for target in ["/metrics", "/api/trials?sort=accuracy&order=desc&limit=50", "/api/levels", "/api/sweep"] {
                    if exchange(target, whileRunning: false) > 0 { requests.add(1, ordering: .relaxed) }
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
        }.start()
    }

    /// Stops; returns the requests answered and the bytes of events read.
    func stop() -> (requests: Int, streamedBytes: Int) {
        stopping.store(true, ordering: .relaxed)
        return (requests.load(ordering: .relaxed), streamed.load(ordering: .relaxed))
    }

    /// One request; reads the answer to its end (or, for a stream, until stopped). Returns the bytes read.
    private func exchange(_ target: String, whileRunning: Bool) -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return 0 }
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
        guard connected == 0 else { return 0 }
        let request = Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else { return 0 }
        var total = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !stopping.load(ordering: .relaxed) {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count > 0 {
                total += count
            } else if count < 0 && errno == EAGAIN && whileRunning {
                continue  // a quiet stream
            } else {
                break
            }
        }
        return total
    }
}
