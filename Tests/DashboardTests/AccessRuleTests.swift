import Dashboard
import LotteryCore
import SweepPlan
import Testing

@Suite struct AccessRuleTests {
    let token = "0123456789abcdef-token"

    @Test func withoutATokenEveryoneReads() {
        let rule = AccessRule(token: nil)
        #expect(rule.decide(path: "/metrics", query: [:], headers: [:]) == .allow)
        #expect(rule.loginPath == nil)
    }

    @Test func theBearerTokenGetsIn() {
        let rule = AccessRule(token: token)
        #expect(rule.decide(path: "/api/sweep", query: [:], headers: ["authorization": "Bearer \(token)"]) == .allow)
        #expect(rule.decide(path: "/api/sweep", query: [:], headers: ["authorization": "bearer \(token)"]) == .allow)
    }

    @Test func noOrAWrongTokenIsRefused() {
        let rule = AccessRule(token: token)
        for headers in [[:], ["authorization": "Bearer \(token)x"], ["authorization": "Basic \(token)"],
                        ["authorization": "Bearer"], ["cookie": "\(AccessRule.cookieName)=nope"],
                        ["cookie": "other=\(token)"]] {
            guard case .deny(let reason) = rule.decide(path: "/", query: [:], headers: headers) else {
                Issue.record("\(headers) got in")
                continue
            }
            #expect(reason.contains("Authorization: Bearer TOKEN"))
        }
    }

    @Test func theLoginURLSetsTheCookieOnce() throws {
        let rule = AccessRule(token: token)
        let path = try #require(rule.loginPath)
        let code = String(path.dropFirst("/login?code=".count))
        #expect(rule.decide(path: "/login", query: ["code": "wrong"], headers: [:]) != .allow)
        guard case .logIn(let cookie) = rule.decide(path: "/login", query: ["code": code], headers: [:]) else {
            Issue.record("the login URL did not log in")
            return
        }
        #expect(cookie.hasPrefix("\(AccessRule.cookieName)=\(token);"))
        #expect(cookie.contains("HttpOnly"))
        #expect(rule.loginPath == nil)
        // Used once: the same code no longer logs in, the cookie does.
        guard case .deny = rule.decide(path: "/login", query: ["code": code], headers: [:]) else {
            Issue.record("the login URL worked twice")
            return
        }
        #expect(rule.decide(path: "/", query: [:], headers: ["cookie": "a=b; \(AccessRule.cookieName)=\(token)"]) == .allow)
    }
}

@Suite struct TokenRuleTests {
    @Test func aNonLoopbackAddressNeedsATokenOrInsecure() throws {
        let open = DashboardConfiguration(address: try ListenAddress("0.0.0.0:8080"), journalPath: "x", readSweep: Sweep.init(yaml:file:))
        #expect(throws: DashboardError.self) { try open.check() }
        let error = try #require(throws: DashboardError.self) { try open.check() }
        #expect(error.description.contains("--http-token"))
        #expect(error.description.contains("--http-insecure"))

        var insecure = open
        insecure.insecure = true
        #expect(try insecure.check()?.contains("INSECURE") == true)

        var withToken = open
        withToken.token = "0123456789abcdef"
        #expect(try withToken.check() == nil)
    }

    @Test func loopbackNeedsNothing() throws {
        #expect(try DashboardConfiguration(address: try ListenAddress("127.0.0.1:0"), journalPath: "x", readSweep: Sweep.init(yaml:file:)).check() == nil)
    }

    @Test(arguments: ["short", "0123456789abcde", "0123456789abcdef 0", "0123456789abcdef;x"])
    func aWeakTokenIsRefused(_ token: String) throws {
        let configuration = DashboardConfiguration(address: try ListenAddress("127.0.0.1:0"), journalPath: "x", readSweep: Sweep.init(yaml:file:), token: token)
        #expect(throws: DashboardError.self) { try configuration.check() }
    }
}
