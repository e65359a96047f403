import LotteryCore
import Dashboard
import Foundation
import Journal
import Logging
import SweepPlan
import TestSupport
import Testing

/// A real server on 127.0.0.1 (a port of the system's choice) over a journal this test
/// writes as a coordinator would, while it is served.
final class ServedJournal {
    let folder: String
    let journal: Journal
    let plan: Plan
    let server: DashboardServer
    let probe: HTTPProbe

    init(token: String? = nil) async throws {
        folder = NSTemporaryDirectory() + "/lottery-dashboard-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let sweep = try Sweep(yaml: """
            name: served
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: 100it, eval_every: 50}
            levels: 2
            controls: {reinit: 1}
            seeds: 2
            """, file: "served.yaml")
        plan = Plan(sweep)
        journal = try Journal(path: folder + "/sweep.sqlite")
        _ = try journal.begin(sweep: sweep, plan: plan, at: 1000)
        server = try DashboardServer(
            configuration: DashboardConfiguration(address: ListenAddress(host: "127.0.0.1", port: 0),
                                                  journalPath: folder + "/sweep.sqlite", readSweep: Sweep.init(yaml:file:), token: token,
                                                  interval: .milliseconds(50)),
            logger: Logger(label: "test"))
        let bound = try await server.start()
        probe = HTTPProbe(port: bound.port)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func stop() async { await server.stop() }

    /// Finishes the plan's trial `index` as a worker's result would: assigned, points, result.
    func finish(_ index: Int, at now: Double) throws {
        let trial = plan.trials[index]
        try journal.transaction {
            try journal.recordAssignment(trial.id, attempt: 1, worker: "w1", at: now)
            try journal.recordMetrics(trial.id, attempt: 1, [
                Evaluation(iteration: 0, split: .test, loss: 2.3, accuracy: 0.1),
                Evaluation(iteration: 50, split: .test, loss: 0.5, accuracy: 0.8),
                Evaluation(iteration: 100, split: .test, loss: 0.4, accuracy: 0.85),
            ])
            _ = try journal.recordResult(trial.id, attempt: 1, worker: "w1", summary: RunSummary(
                iterations: 100, earlyStopIteration: 100, minValidationLoss: 0.4, earlyStopTestAccuracy: 0.85,
                finalValidationLoss: 0.4, finalValidationAccuracy: 0.85, finalTestLoss: 0.4, finalTestAccuracy: 0.85,
                earlyStopTrainAccuracy: 0.9, finalTrainAccuracy: 0.9, layers: [], seconds: 1), artifacts: [], at: now + 1)
        }
    }

    func json(_ target: String, headers: [String: String] = [:]) async throws -> [String: Any] {
        let response = try await probe.get(target, headers: headers)
        guard response.status == 200 else { throw HTTPProbe.Failure(description: "\(target): \(response.status) \(response.body)") }
        return try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any] ?? [:]
    }

    func done() async throws -> Int? {
        (try await json("/api/sweep")["progress"] as? [String: Any])?["done"] as? Int
    }
}

@Suite(.serialized) struct DashboardServerTests {
    @Test func servesAJournalWhileItIsWritten() async throws {
        let served = try await ServedJournal()
        let first = try await poll(timeout: .seconds(10)) { try await served.done() }
        #expect(first == 0)
        #expect(try await served.json("/api/trials?state=done")["matching"] as? Int == 0)

        try served.finish(0, at: 2000)
        try served.finish(1, at: 2010)
        let done = try await poll(timeout: .seconds(10)) { try await served.done() == 2 ? 2 : nil }
        #expect(done == 2)
        let page = try await served.json("/api/trials?state=done&sort=position&order=desc")
        let trials = try #require(page["trials"] as? [[String: Any]])
        #expect(trials.map { $0["id"] as? String } == [served.plan.trials[1].id.rawValue, served.plan.trials[0].id.rawValue])
        // The curve of a finished trial, from the journal being written.
        let curve = try await served.json("/api/trials/\(served.plan.trials[0].id.rawValue)/curves")
        #expect((curve["points"] as? [Any])?.count == 3)
        // The paper's plot points: the dense run of each seed's chain pooled into one level-0 point.
        let levels = try await poll(timeout: .seconds(10)) { () -> [[String: Any]]? in
            let levels = try await served.json("/api/levels")["levels"] as? [[String: Any]] ?? []
            return levels.contains { ($0["done"] as? Int ?? 0) > 0 } ? levels : nil
        }
        #expect(levels?.isEmpty == false)
        // /metrics counts as the journal does.
        let metrics = try await served.probe.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("lottery_trials{state=\"done\"} 2"))
        #expect(metrics.body.contains("lottery_metric_points_total 6"))
        #expect(metrics.body.contains("lottery_trial_attempts_total 2"))
        // The stream's first event is the whole state.
        let stream = try await served.probe.exchange(Array("GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                                               until: "\"progress\"")
        #expect(stream.status == 200)
        #expect(stream.headers["content-type"] == "text/event-stream")
        #expect(stream.body.contains("event: state"))
        await served.stop()
    }

    @Test func badRequestsGet4xxAndTheServerGoesOn() async throws {
        let served = try await ServedJournal()
        let probe = served.probe
        let id = served.plan.trials[0].id.rawValue
        let cases: [(String, Int)] = [
            ("/nothing", 404), ("/api/nothing", 404), ("/api/trials?limit=0", 400), ("/api/trials?limit=100000", 400),
            ("/api/trials?level=-1", 400), ("/api/trials?level=x", 400), ("/api/trials?sort=nope", 400),
            ("/api/trials?order=up", 400), ("/api/trials?state=lost", 400), ("/api/trials?offset=-5", 400),
            ("/api/trials?color=red", 400), ("/api/trials?level=1&level=2", 400), ("/api/sweep?x=1", 400),
            ("/api/trials/not-an-id", 400), ("/api/trials/0000000000000000", 404), ("/api/trials/\(id)/other", 404),
            ("/api/tables/secret.csv", 404), ("/api/tables/..%2F..%2Fetc%2Fpasswd", 404),
            ("/api/trials?" + (1...20).map { "p\($0)=1" }.joined(separator: "&"), 400),
            ("/" + String(repeating: "a", count: 3000), 414),
        ]
        for (target, status) in cases {
            let response = try await probe.get(target)
            #expect(response.status == status, "\(target.prefix(60)) got \(response.status): \(response.body)")
            #expect(response.body.contains("\"error\""), "\(target.prefix(60)) says no reason")
        }
        #expect(try await probe.get("/api/sweep", method: "POST").status == 405)
        #expect(try await probe.get("/api/sweep", method: "DELETE").status == 405)
        #expect(try await probe.get("/api/sweep", body: String(repeating: "x", count: 100)).status == 413)
        #expect(try await probe.get("/api/sweep", body: String(repeating: "x", count: 1 << 20)).status == 413)
        // Garbage that is not HTTP, then the server still answers.
        _ = try? await probe.exchange(Array("\u{1}\u{2}nonsense\r\n\r\n".utf8))
        #expect(try await probe.get("/api/sweep").status == 200)
        #expect(try await probe.get("/api/trials?level=1&branch=reinit&seed=0&state=pending&sort=accuracy&order=desc&offset=0&limit=5").status == 200)
        await served.stop()
    }

    @Test func theTokenIsAskedOfEveryRequest() async throws {
        let token = "a-token-of-enough-length"
        let served = try await ServedJournal(token: token)
        let probe = served.probe
        for target in ["/", "/metrics", "/api/sweep", "/api/stream", "/api/tables/trials.csv"] {
            #expect(try await probe.get(target).status == 401, "\(target) without the token")
            #expect(try await probe.get(target, headers: ["Authorization": "Bearer wrong-token-of-enough"]).status == 401)
        }
        #expect(try await probe.get("/api/sweep", headers: ["Authorization": "Bearer \(token)"]).status == 200)
        let login = try #require(served.server.pageURL(at: ListenAddress(host: "127.0.0.1", port: probe.port))
            .split(separator: "/", maxSplits: 3).last.map { "/" + $0 })
        let loggedIn = try await probe.get(login)
        #expect(loggedIn.status == 303)
        let cookie = try #require(loggedIn.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        #expect(try await probe.get("/", headers: ["Cookie": cookie]).status == 200)
        #expect(try await probe.get(login).status == 401)
        await served.stop()
    }
}
