import Foundation
import Journal
import LotteryCore
import SweepPlan
import Testing

@testable import Reports

@Suite struct TrialsTableTests {
    static let header = [
        "trial", "parent", "chains", "configs", "level", "branch", "replicate", "seed", "pruning.rates.fc",
        "weights_remaining_pct", "weights_remaining_pct.fc1", "weights_remaining_pct.fc2", "weights_remaining_pct.output",
        "planned_weights_remaining_pct", "iterations", "early_stop_iteration", "early_stop_test_accuracy",
        "min_validation_loss", "final_test_accuracy", "final_test_loss", "final_validation_accuracy",
        "final_validation_loss", "early_stop_train_accuracy", "final_train_accuracy", "final_train_loss",
        "early_stop_generalization_gap", "final_generalization_gap", "train_seconds", "worker", "attempts", "state", "started_at", "finished_at", "error",
    ]

    @Test func headerHasOneColumnPerAxisButTheSeedsAndOnePerLayer() throws {
        let fixture = try JournalFixture()
        let table = TrialsTable(try fixture.results())
        #expect(table.header == Self.header)
        #expect(try table.csv.hasPrefix(Self.header.joined(separator: ",") + "\n"))
    }

    @Test func exactRowsOfDoneTrials() throws {
        let fixture = try JournalFixture()
        let dense = fixture.dense(seed: 0)
        let ticket = fixture.trial(level: 1, .ticket, seed: 0, fc: "0.2")
        try fixture.finish(dense, worker: "node-a/1", accuracy: 0.75, earlyStop: 100, minLoss: 0.5, finalAccuracy: 0.625,
                           seconds: 2.5)
        try fixture.finish(ticket, worker: "node-b/2", accuracy: 0.875, earlyStop: 200, minLoss: 0.25, finalAccuracy: 0.5,
                           seconds: 3, trainAccuracy: 0.96875, finalTrainAccuracy: 1)
        let csv = ParsedCSV(try TrialsTable(fixture.results()).csv)
        #expect(csv.header == Self.header)
        #expect(csv.rows.count == 26)

        // The dense run's result lacks training accuracy, as results from before it was
        // measured do: those cells are empty.
        #expect(csv.rows[0] == [
            dense.id.rawValue, "", "0 2", "0 1", "0", "dense", "", "0", "",
            "100.0", "100.0", "100.0", "100.0",
            "100.0", "200", "100", "0.75",
            "0.5", "0.625", "1.0", "0.625",
            "0.75", "", "", "", "", "", "2.5", "node-a/1", "1", "done", "1001.0", "1002.0", "",
        ])
        let ticketRow = try #require(csv.rows.first { $0[0] == ticket.id.rawValue })
        #expect(ticketRow == [
            ticket.id.rawValue, dense.id.rawValue, "0", "0", "1", "ticket", "", "0", "0.2",
            (100 * 133_600.0 / 266_200).description, "50.0", "50.0", "100.0",
            (100 * ticket.weightsRemaining).description, "200", "200", "0.875",
            "0.25", "0.5", "0.75", "0.75",
            "0.5", "0.96875", "1.0", "0.0625", "0.09375", "0.5", "3.0", "node-b/2", "1", "done", "1003.0", "1004.0", "",
        ])
    }

    @Test func controlsShowTheirKindAndReplicate() throws {
        let fixture = try JournalFixture()
        let csv = ParsedCSV(try TrialsTable(fixture.results()).csv)
        let control = fixture.trial(level: 2, .control(.reinit, replicate: 1), seed: 1, fc: "0.5")
        let row = try #require(csv.row("trial", control.id.rawValue))
        #expect(row["branch"] == "reinit")
        #expect(row["replicate"] == "1")
        #expect(row["seed"] == "1")
        #expect(row["level"] == "2")
        #expect(row["pruning.rates.fc"] == "0.5")
        #expect(row["chains"] == "3")
        #expect(row["configs"] == "1")
    }

    @Test func aPartialSweepShowsPendingAndRunningTrialsWithEmptyResults() throws {
        let fixture = try JournalFixture()
        try fixture.finish(fixture.dense(seed: 0), accuracy: 0.75)
        let running = fixture.trial(level: 1, .ticket, seed: 0, fc: "0.2")
        try fixture.start(running, worker: "w7")
        try fixture.stream(running, JournalFixture.points(test: [0.1]))
        let csv = ParsedCSV(try TrialsTable(fixture.results()).csv)

        #expect(Dictionary(grouping: csv.dictionaries, by: { $0["state"]! }).mapValues(\.count)
                == ["done": 1, "running": 1, "pending": 24])
        let row = try #require(csv.row("trial", running.id.rawValue))
        #expect(row["worker"] == "w7")
        #expect(row["attempts"] == "1")
        #expect(row["started_at"] == "1003.0")
        #expect(row["planned_weights_remaining_pct"] == (100 * running.weightsRemaining).description)
        for column in ["weights_remaining_pct", "weights_remaining_pct.fc1", "early_stop_iteration",
                       "early_stop_test_accuracy", "min_validation_loss", "final_test_accuracy",
                       "early_stop_train_accuracy", "final_train_accuracy", "early_stop_generalization_gap",
                       "final_generalization_gap", "train_seconds",
                       "finished_at", "error"] {
            #expect(row[column] == "", "\(column) of a running trial")
        }
        let pending = try #require(csv.row("trial", fixture.dense(seed: 1).id.rawValue))
        #expect(pending["state"] == "pending")
        #expect(pending["attempts"] == "0")
        #expect(pending["worker"] == "")
        #expect(pending["early_stop_test_accuracy"] == "")
    }

    @Test func aFailedTrialShowsFailedWithItsErrorAndItsDependantsSkipped() throws {
        let fixture = try JournalFixture()
        let dense = fixture.dense(seed: 1)
        let message = "out of memory, \"fc1\" too big\nretry with a smaller batch"
        try fixture.start(dense, attempt: 1)
        try fixture.fail(dense, attempt: 1, error: "worker lost", final: false)
        try fixture.start(dense, attempt: 2)
        try fixture.fail(dense, attempt: 2, error: message, final: true)
        try fixture.skipDescendants(of: dense)
        let text = try TrialsTable(fixture.results()).csv
        let csv = ParsedCSV(text)

        #expect(text.contains("\"out of memory, \"\"fc1\"\" too big\nretry with a smaller batch\""))
        #expect(csv.rows.allSatisfy { $0.count == Self.header.count })
        let failed = try #require(csv.row("trial", dense.id.rawValue))
        #expect(failed["state"] == "failed")
        #expect(failed["error"] == message)
        #expect(failed["attempts"] == "2")
        #expect(failed["early_stop_test_accuracy"] == "")

        let skipped = csv.dictionaries.filter { $0["state"] == "skipped" }
        #expect(skipped.count == 12, "both rates' levels and controls of seed 1")
        #expect(skipped.allSatisfy { $0["seed"] == "1" && $0["error"] == "ancestor \(dense.id) failed" })
        #expect(csv.dictionaries.filter { $0["state"] == "pending" }.count == 13)
    }

    @Test func layerColumnsCoverEveryModelOfTheSweepInKindOrder() throws {
        let sweep = try Sweep(yaml: """
            dataset: {name: cifar10, path: /data}
            model: [conv-4, conv-2]
            levels: 1
            """)
        #expect(TrialsTable.layerNames(sweep) == ["conv1", "conv2", "conv3", "conv4", "fc1", "fc2", "output"])
    }
}
