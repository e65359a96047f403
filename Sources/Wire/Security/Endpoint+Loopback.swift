/// Where a ZeroMQ endpoint can be reached from: only this machine, or the network.
public enum Endpoint {
    /// True when `endpoint` is reachable from this machine only: a TCP endpoint on
    /// 127.0.0.0/8, `localhost` or `::1`, or a transport local by nature (`ipc://`, `inproc://`).
    /// `tcp://*:…`, `tcp://0.0.0.0:…` and any other host are not.
    public static func isLoopback(_ endpoint: String) -> Bool {
        guard endpoint.hasPrefix("tcp://") else { return endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("inproc://") }
        var host = endpoint.dropFirst("tcp://".count)
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        // An interface to bind to may be given as "eth0;host" for connects; keep the host part.
        if let semicolon = host.lastIndex(of: ";") { host = host[host.index(after: semicolon)...] }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
