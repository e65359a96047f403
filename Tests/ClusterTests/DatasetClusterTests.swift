import Foundation
import Journal
import TestSupport
import Testing

/// A worker whose copy of the sweep's dataset differs, as real processes on loopback.
@Suite(.serialized) struct DatasetClusterTests {
    /// Fashion-MNIST with its test labels replaced: a valid dataset, but not the sweep's.
    private func alteredFashionMNIST(in folder: String) throws -> String {
        let data = folder + "/altered-fashion-mnist"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"] {
            try FileManager.default.createSymbolicLink(atPath: "\(data)/\(name).gz",
                                                       withDestinationPath: "/usr/share/datasets/fashion-mnist/\(name).gz")
        }
        // IDX labels: magic 0x00000801, the count (10,000) big-endian, one byte per example.
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0x27, 0x10] + (0 ..< 10_000).map { UInt8($0 % 10) }
        try Data(labels).write(to: URL(fileURLWithPath: data + "/t10k-labels-idx1-ubyte"))
        return data
    }

    @Test func aWorkerWithOneFileChangedIsToldWhichFile() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "data-differs")
        let data = try alteredFashionMNIST(in: cluster.folder)
        try cluster.startCoordinator()
        try await cluster.waitFor("the journal") { !$0.isEmpty }
        try cluster.startWorker("odd", extra: ["--data", "fashion-mnist=" + data])
        // Turned away for good: the worker exits with the rejection's status.
        #expect(try await cluster.waitForWorker("odd") == 2, "\(cluster.log("odd"))")
        let named = "t10k-labels-idx1-ubyte differs (SHA-256 "
        #expect(cluster.log("odd").contains(named), "\(cluster.log("odd"))")
        #expect(cluster.log("odd").contains("dataset-differs"))
        for file in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"] {
            #expect(!cluster.log("odd").contains(file))
        }
        #expect(cluster.log("coordinator").contains(named), "\(cluster.log("coordinator"))")
        #expect(try cluster.journal().trials().allSatisfy { $0.state == .pending && $0.worker == nil })
        // `lottery status` shows it too, once the coordinator's next group commit has
        // journaled it (the REJECT does not wait for that).
        _ = try await poll(timeout: .seconds(30), every: .milliseconds(200)) { () async throws -> Bool? in
            #expect(try await cluster.runToEnd(["status", cluster.folder + "/runs/data-differs"], log: "status") == 0)
            return cluster.log("status").contains("rejected worker odd-") ? true : nil
        }
        #expect(cluster.log("status").contains("rejected worker odd-"), "\(cluster.log("status"))")
        #expect(cluster.log("status").contains(named), "\(cluster.log("status"))")
        cluster.killCoordinator()
    }
}
