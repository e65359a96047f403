/// Where the dashboard listens: `--http HOST:PORT`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 or IPv6 address, as written (without brackets).
    public var host: String
    /// 0: the system picks a free port.
    public var port: UInt16

    /// Reads `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, `0.0.0.0:8080` or `:8080` (loopback).
    /// - Throws: `DashboardError` saying what is wrong.
    public init(_ text: String) throws {
        var host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw DashboardError.badAddress(text, why: "an IPv6 address goes in brackets followed by :PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw DashboardError.badAddress(text, why: "no port")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw DashboardError.badAddress(text, why: "an IPv6 address goes in brackets") }
        }
        guard let port = UInt16(portText) else {
            throw DashboardError.badAddress(text, why: "'\(portText)' is not a port (0 to 65535)")
        }
        if host.isEmpty || host == "localhost" { host = "127.0.0.1" }
        guard Self.isIPv4(host) || Self.isIPv6(host) else {
            throw DashboardError.badAddress(text, why: "'\(host)' is not an IP address (names other than localhost are not looked up)")
        }
        self.host = String(host)
        self.port = port
    }

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// True for 127.0.0.0/8 and ::1: only this machine can connect.
    public var isLoopback: Bool {
        if Self.isIPv4(host[...]) { return host.hasPrefix("127.") }
        return host == "::1" || host == "0:0:0:0:0:0:0:1"
    }

    public var isIPv6: Bool { host.contains(":") }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The page's URL at this address (a wildcard address shown as this machine's loopback).
    public var url: String {
        switch host {
        case "0.0.0.0": "http://127.0.0.1:\(port)"
        case "::": "http://[::1]:\(port)"
        default: "http://\(self)"
        }
    }

    private static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }

    private static func isIPv6(_ text: Substring) -> Bool {
        text.contains(":") && text.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
