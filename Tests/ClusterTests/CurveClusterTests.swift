import Foundation
import Journal
import Testing
import Wire

/// A coordinator and workers as real processes with CURVE on (loopback).
@Suite(.serialized) struct CurveClusterTests {
    @Test func anUnauthorizedWorkerGetsNoTrialAndAnAuthorizedOneCompletesTheSweep() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 100, levels: 1, seeds: 1), name: "curve")
        let keys = cluster.folder + "/keys"
        for name in ["coordinator", "trusted", "stranger"] {
            #expect(try await cluster.runToEnd(["keys", "generate", "--out", keys, "--name", name], log: "keys") == 0,
                    "\(cluster.log("keys"))")
        }
        try FileManager.default.createDirectory(atPath: keys + "/workers", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys + "/trusted.pub", toPath: keys + "/workers/trusted.pub")
        let stranger = try KeyFile.readKeyPair(keys + "/stranger.key")

        try cluster.startCoordinator(extra: ["--key", keys + "/coordinator.key", "--authorized-keys", keys + "/workers"])
        try await cluster.waitFor("the journal") { !$0.isEmpty }
        let curve = ["--coordinator-key", keys + "/coordinator.pub"]
        try cluster.startWorker("stranger", extra: ["--key", keys + "/stranger.key"] + curve)
        // The stranger fingerprints its datasets first (slow in a debug build), then its handshake is refused.
        let deadline = ContinuousClock.now + .seconds(60)
        while !cluster.log("coordinator").contains("refused a worker whose key \(stranger.publicKey.z85.prefix(8))"),
              ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(cluster.log("coordinator").contains("refused a worker whose key \(stranger.publicKey.z85.prefix(8))"),
                "\(cluster.log("coordinator"))")
        #expect(try cluster.journal().trials().allSatisfy { $0.state == .pending && $0.worker == nil })

        try cluster.startWorker("trusted", extra: ["--key", keys + "/trusted.key"] + curve)
        #expect(try await cluster.waitForCoordinator() == 0, "\(cluster.log("coordinator"))")
        let journal = try cluster.journal()
        let trials = try journal.trials()
        #expect(trials.count == 3)
        #expect(trials.allSatisfy { $0.state == .done && $0.worker?.hasPrefix("trusted-") == true })
        #expect(try journal.events(last: 100_000).allSatisfy { !($0.worker ?? "").hasPrefix("stranger") })
        // The stranger only sees silence, and its log says what to check.
        let hintDeadline = ContinuousClock.now + .seconds(30)
        while !cluster.log("stranger").contains("among its authorized keys"), ContinuousClock.now < hintDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(cluster.log("stranger").contains("\(stranger.publicKey.z85.prefix(8))… among its authorized keys"),
                "\(cluster.log("stranger"))")
        cluster.killWorker("stranger")
    }

    @Test func aBadAuthorizedKeyStopsTheCoordinatorBeforeItStarts() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "bad-keys")
        let keys = cluster.folder + "/keys"
        #expect(try await cluster.runToEnd(["keys", "generate", "--out", keys, "--name", "coordinator"], log: "keys") == 0)
        try "# workers\nnot-a-key\n".write(toFile: keys + "/authorized", atomically: true, encoding: .utf8)
        try cluster.startCoordinator(extra: ["--key", keys + "/coordinator.key", "--authorized-keys", keys + "/authorized"])
        #expect(try await cluster.waitForCoordinator(timeout: .seconds(20)) != 0)
        #expect(cluster.log("coordinator").contains(keys + "/authorized:2:"), "\(cluster.log("coordinator"))")
        #expect(!FileManager.default.fileExists(atPath: cluster.journalPath))
    }

    @Test func aNetworkBindWithoutCurveIsRefusedUnlessInsecure() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "insecure")
        // 192.0.2.1 is a documentation address (TEST-NET-1): even a bind would not expose anything.
        let status = try await cluster.runToEnd(["coordinator", cluster.sweepPath, "--bind", "tcp://192.0.2.1:\(cluster.port)"],
                                          log: "refused")
        #expect(status != 0)
        #expect(cluster.log("refused").contains("lottery keys generate"), "\(cluster.log("refused"))")
        #expect(cluster.log("refused").contains("--insecure"))
    }
}
