/// Why a dashboard cannot start: what was wrong and what to do.
public struct DashboardError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Reason: Sendable, Equatable {
        case badAddress(String, why: String)
        case needsToken(String)
        case weakToken
        case noJournal(String)
        case cannotListen(String, why: String)
    }

    private let reason: Reason

    static func badAddress(_ text: String, why: String) -> Self { Self(reason: .badAddress(text, why: why)) }
    static func needsToken(_ address: String) -> Self { Self(reason: .needsToken(address)) }
    static let weakToken = Self(reason: .weakToken)
    static func noJournal(_ path: String) -> Self { Self(reason: .noJournal(path)) }
    static func cannotListen(_ address: String, why: String) -> Self { Self(reason: .cannotListen(address, why: why)) }

    public var description: String {
        switch reason {
        case .badAddress(let text, let why):
            "--http \(text): \(why); give HOST:PORT, e.g. 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:8080 (port 0 picks a free one)"
        case .needsToken(let address):
            """
            refusing to serve the dashboard on \(address) without a token: anyone who can reach it could read the sweep. \
            Pass --http-token TOKEN (at least 16 characters; browsers log in through the one-time URL printed at start, \
            scripts send 'Authorization: Bearer TOKEN'), or serve a loopback address (127.0.0.1:PORT), \
            or pass --http-insecure on a network you trust.
            """
        case .weakToken:
            "--http-token must be at least 16 characters, without spaces, ';' or ',' (e.g. the output of: openssl rand -hex 16)"
        case .noJournal(let path):
            "no journal at \(path): give a run folder (runs/NAME) or its sweep.sqlite"
        case .cannotListen(let address, let why):
            "cannot serve the dashboard on \(address): \(why)"
        }
    }
}
