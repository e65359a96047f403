import Testing
@testable import Reports

@Suite struct SummaryTableTests {
    static let figureColumns = [
        "weights_remaining_pct", "early_stop_iteration", "early_stop_test_accuracy", "final_test_accuracy",
        "min_validation_loss", "early_stop_train_accuracy", "final_train_accuracy", "early_stop_generalization_gap",
        "final_generalization_gap",
    ].flatMap { figure in ["mean", "std", "min", "max"].map { "\(figure)_\($0)" } }

    private func table(_ fixture: JournalFixture, groupBy: [String]? = nil) throws -> SummaryTable {
        let results = try fixture.results()
        let grouping = try Grouping(plan: results.plan, axes: groupBy)
        return SummaryTable(grouping: grouping, levels: LevelSummary.all(results, grouping: grouping))
    }

    @Test func header() throws {
        let fixture = try JournalFixture()
        #expect(try table(fixture).header == ["config", "pruning.rates.fc", "level", "branch", "trials", "n",
                                              "planned_weights_remaining_pct"] + Self.figureColumns)
        #expect(try table(fixture, groupBy: []).header == ["group", "level", "branch", "trials", "n",
                                                           "planned_weights_remaining_pct"] + Self.figureColumns)
    }

    @Test func exactRows() throws {
        let fixture = try JournalFixture.finished()
        let csv = ParsedCSV(try table(fixture).csv)
        #expect(csv.rows.count == 10)
        #expect(csv.rows[0] == [
            "0", "0.2", "0", "dense", "2", "2", "100.0",
            "100.0", "0.0", "100.0", "100.0",
            "150.0", (5_000.0).squareRoot().description, "100.0", "200.0",
            "0.625", (0.03125).squareRoot().description, "0.5", "0.75",
            "0.5625", (0.03125).squareRoot().description, "0.4375", "0.6875",
            "0.5", "0.0", "0.5", "0.5",
        ] + Array(repeating: "", count: 16), "no training accuracy in a journal from before it was measured")
        let reinit = try #require(csv.dictionaries.first { $0["config"] == "0" && $0["level"] == "1" && $0["branch"] == "reinit" })
        #expect(reinit["pruning.rates.fc"] == "0.2")
        #expect(reinit["trials"] == "4" && reinit["n"] == "4")
        #expect(reinit["early_stop_test_accuracy_mean"] == "0.625")
        #expect(reinit["early_stop_test_accuracy_std"] == (0.3125 / 3).squareRoot().description)
        #expect(reinit["early_stop_test_accuracy_min"] == "0.25")
        #expect(reinit["early_stop_test_accuracy_max"] == "1.0")
        #expect(reinit["early_stop_iteration_std"] == "0.0")
        // The shared dense run is in the fc 0.5 config's group too.
        #expect(csv.rows[5][0...5] == ["1", "0.5", "0", "dense", "2", "2"])
    }

    @Test func trainingAccuracyAndTheGapAtEarlyStopAndAtTheEnd() throws {
        let fixture = try JournalFixture.finished(training: true)
        let csv = ParsedCSV(try table(fixture).csv)
        let dense = try #require(csv.dictionaries.first { $0["config"] == "0" && $0["branch"] == "dense" })
        // Test accuracy at early stop 0.5 and 0.75, training accuracy 0.25 above; 1 at the end,
        // where test accuracy is 0.4375 and 0.6875.
        #expect(dense["early_stop_train_accuracy_mean"] == "0.875")
        #expect(dense["early_stop_train_accuracy_min"] == "0.75")
        #expect(dense["early_stop_train_accuracy_max"] == "1.0")
        #expect(dense["final_train_accuracy_mean"] == "1.0")
        #expect(dense["final_train_accuracy_std"] == "0.0")
        #expect(dense["early_stop_generalization_gap_mean"] == "0.25")
        #expect(dense["early_stop_generalization_gap_std"] == "0.0")
        #expect(dense["final_generalization_gap_mean"] == "0.4375")
        #expect(dense["final_generalization_gap_min"] == "0.3125")
        #expect(dense["final_generalization_gap_max"] == "0.5625")
        let ticket = try #require(csv.dictionaries.first { $0["config"] == "1" && $0["level"] == "1" && $0["branch"] == "ticket" })
        #expect(ticket["early_stop_generalization_gap_mean"] == "0.125")
        #expect(ticket["final_generalization_gap_mean"] == "0.4375")
        let reinit = try #require(csv.dictionaries.first { $0["config"] == "0" && $0["level"] == "1" && $0["branch"] == "reinit" })
        #expect(reinit["n"] == "4")
        #expect(reinit["early_stop_generalization_gap_mean"] == "0.0")
        #expect(reinit["early_stop_train_accuracy_mean"] == reinit["early_stop_test_accuracy_mean"])
    }

    @Test func groupsWithoutFinishedTrialsHaveEmptyFigures() throws {
        let fixture = try JournalFixture()
        try fixture.finish(fixture.dense(seed: 0), accuracy: 0.5)
        let csv = ParsedCSV(try table(fixture).csv)
        let dense = csv.dictionaries[0]
        #expect(dense["n"] == "1")
        #expect(dense["early_stop_test_accuracy_mean"] == "0.5")
        #expect(dense["early_stop_test_accuracy_std"] == "", "no sample std of one value")
        let ticket = csv.dictionaries[1]
        #expect(ticket["branch"] == "ticket" && ticket["n"] == "0" && ticket["trials"] == "2")
        for column in Self.figureColumns {
            #expect(ticket[column] == "")
        }
    }
}
