import Foundation
import LotteryCore
import Testing

@testable import SweepPlan

/// Loading a sweep file: from disk, its name, its digest, every problem at once.
@Suite struct SweepTests {
    @Test func loadsAFileAndNamesItAfterTheFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("my-study.yaml")
        try minimalSweep.write(to: url, atomically: true, encoding: .utf8)
        let sweep = try Sweep(contentsOf: url.path)
        #expect(sweep.name == "my-study")
        #expect(sweep.file == url.path)
        #expect(sweep.text == minimalSweep)
        #expect(sweep.digest == SHA256.hexDigest(of: minimalSweep))
        #expect(sweep.chains.count == 1)
    }

    @Test func aNameInTheFileWins() throws {
        let sweep = try Sweep(yaml: "name: lenet-iter\ndescription: LeNet\n" + minimalSweep, file: "sweeps/x.yaml")
        #expect(sweep.name == "lenet-iter")
        #expect(sweep.description == "LeNet")
        #expect(try Sweep(yaml: minimalSweep).name == "sweep")
    }

    @Test func everyProblemIsReportedAtOnceWithItsFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("broken.yaml")
        try """
            dataset: fashion-mnst
            model: lenet-300-100
            training:
              lr: -1
              length: 1000it
            pruning:
              rates: {fc: 1.2}
            levels: [2, 3]
            reset: rewind:5000
            seeds: 2
            zip: [[levels, seeds]]
            """.write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try Sweep(contentsOf: url.path)
            Issue.record("an invalid file was accepted")
        } catch let error as SweepError {
            let found = error.diagnostics
            #expect(found.map(\.location.line) == [1, 4, 7, 9])
            #expect(found.map(\.path) == ["dataset", "training.lr", "pruning.rates.fc", "reset"])
            #expect(found.allSatisfy { $0.location.file == url.path })
            let lines = error.description.split(separator: "\n")
            #expect(lines.count == 5)
            #expect(lines[0].hasPrefix("\(url.path):1:10: error: dataset: unknown value 'fashion-mnst'"))
            #expect(lines.last == "4 errors; nothing was run")
        }
    }

    @Test func anUnreadableFile() throws {
        do {
            _ = try Sweep(contentsOf: "/no/such/sweep.yaml")
            Issue.record("a missing file was accepted")
        } catch let error as SweepError {
            #expect(error.diagnostics.isEmpty)
            #expect(error.description.hasPrefix("/no/such/sweep.yaml: error: cannot read the sweep file"))
        }
    }

    @Test func axesAreListedWithTheirValues() throws {
        let sweep = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            reset: [original, rewind:1000]
            levels: 1
            controls: {reinit: [0, 2]}
            seeds: [5, 6]
            """)
        #expect(sweep.axes == [
            SweepAxis(name: "reset", values: ["original", "rewind:1000it"]),
            SweepAxis(name: "controls.reinit", values: ["0", "2"]),
            SweepAxis(name: "seeds", values: ["5", "6"]),
        ])
        #expect(sweep.configs.map(\.parameters.count) == [2, 2, 2, 2])
    }

    @Test func optimizerAndModelAsAxes() throws {
        let sweep = try Sweep(yaml: """
            dataset: {name: cifar10, path: /data/cifar-10-batches-bin}
            model: [conv-2, conv-4]
            training: {optimizer: [adam, momentum], lr: [1e-3, 1e-2]}
            levels: 1
            """)
        #expect(sweep.configs.count == 8)
        #expect(Set(sweep.chains.map(\.training.optimizer.kind)) == [.adam, .momentum])
    }
}
