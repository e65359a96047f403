import Testing
@testable import Reports

@Suite struct SummaryTableTests {
    static let figureColumns = [
        "weights_remaining_pct", "early_stop_iteration", "early_stop_test_accuracy", "final_test_accuracy",
        "min_validation_loss",
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
        ])
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
