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
        // The stranger fingerprints its datasets first (slow in a debug build), then its
        // handshake is refused: it sees the refusal, says what to do, and exits.
        #expect(try await cluster.waitForWorker("stranger") == 2, "\(cluster.log("stranger"))")
        #expect(cluster.log("stranger").contains(
            "refused this worker's key \(stranger.publicKey.z85.prefix(8))…: add \(keys)/stranger.pub (public key \(stranger.publicKey.z85))"),
            "\(cluster.log("stranger"))")
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
    }

    @Test func workersWithTheWrongSecuritySettingsSayWhatToChange() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "curve-settings")
        let keys = cluster.folder + "/keys"
        for name in ["coordinator", "worker", "impostor"] {
            #expect(try await cluster.runToEnd(["keys", "generate", "--out", keys, "--name", name], log: "keys") == 0)
        }
        try cluster.startCoordinator(extra: ["--key", keys + "/coordinator.key", "--authorized-keys", keys + "/worker.pub"])
        try await cluster.waitFor("the journal") { !$0.isEmpty }
        // No keys at all, and the right worker key with another coordinator's public key.
        try cluster.startWorker("plain")
        try cluster.startWorker("misled", extra: ["--key", keys + "/worker.key", "--coordinator-key", keys + "/impostor.pub"])
        #expect(try await cluster.waitForWorker("plain") == 2, "\(cluster.log("plain"))")
        // libzmq reports the mechanism mismatch, or (depending on timing) only that the
        // coordinator hung up; either way the worker says which flags to add.
        #expect(cluster.log("plain").contains("uses CURVE and this worker does not: give it --key and --coordinator-key")
                    || cluster.log("plain").contains("if it uses CURVE, give this worker --key and --coordinator-key"),
                "\(cluster.log("plain"))")
        // The coordinator hangs up on each try; the worker gives up after five in a row.
        #expect(try await cluster.waitForWorker("misled") == 2, "\(cluster.log("misled"))")
        #expect(cluster.log("misled").contains("closed the connection during the CURVE handshake 5 times in a row: "
            + "is --coordinator-key its public key?"), "\(cluster.log("misled"))")
        #expect(try cluster.journal().trials().allSatisfy { $0.state == .pending && $0.worker == nil })
        cluster.killCoordinator()
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
