import Foundation
import Synchronization

/// Who may read the dashboard. Without a token (a loopback address, or `--http-insecure`)
/// everyone who reaches it; with one, a request carrying it as a bearer token
/// (`Authorization: Bearer TOKEN`) or in the cookie a browser gets from the one-time login
/// URL printed at start (`/login?code=…`, good for one visit).
public final class AccessRule: Sendable {
    public static let cookieName = "lottery_dashboard"

    /// The token a request must carry; nil: none needed.
    private let token: String?
    private let loginCode: Mutex<String?>

    public init(token: String?) {
        self.token = token
        loginCode = Mutex(token == nil ? nil : Self.randomCode())
    }

    /// The path and query of the one-time login URL (nil when no token is needed, or it was used).
    public var loginPath: String? {
        loginCode.withLock { code in code.map { "/login?code=\($0)" } }
    }

    public enum Decision: Sendable, Equatable {
        case allow
        /// The one-time URL was used: set this cookie and send the browser to the page.
        case logIn(setCookie: String)
        case deny(String)
    }

    /// What to do with a request for `path` with these query items and headers (names in
    /// lower case).
    public func decide(path: String, query: [String: String], headers: [String: String]) -> Decision {
        guard let token else { return .allow }
        if path == "/login", let code = query["code"] {
            let accepted = loginCode.withLock { current -> Bool in
                guard let expected = current, Self.same(code, expected) else { return false }
                current = nil
                return true
            }
            if accepted {
                return .logIn(setCookie: "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict")
            }
            return .deny("this login URL was used already or is wrong: each start prints one, good for one visit; "
                         + "send 'Authorization: Bearer TOKEN' instead")
        }
        if let authorization = headers["authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", Self.same(String(parts[1]), token) { return .allow }
        }
        if let cookies = headers["cookie"] {
            for cookie in cookies.split(separator: ";") {
                let pair = cookie.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == Self.cookieName, Self.same(String(pair[1]), token) { return .allow }
            }
        }
        return .deny("this dashboard needs its token: open the one-time login URL printed when it started, "
                     + "or send 'Authorization: Bearer TOKEN'")
    }

    /// Compares in time independent of where the texts differ.
    private static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = x.count ^ y.count
        for index in 0..<min(x.count, y.count) { difference |= Int(x[index] ^ y[index]) }
        return difference == 0
    }

    private static func randomCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 36) }.joined()
    }
}
