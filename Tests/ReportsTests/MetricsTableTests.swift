import Journal
import LotteryCore
import Testing

@testable import Reports

@Suite struct MetricsTableTests {
    @Test func onePointPerRowInLongFormat() throws {
        let fixture = try JournalFixture()
        let dense = fixture.dense(seed: 0)
        try fixture.finish(dense, accuracy: 0.75, points: JournalFixture.points(test: [0.5, 0.75]))
        let csv = ParsedCSV(try MetricsTable(results: fixture.results()).csv)
        let id = dense.id.rawValue
        #expect(csv.header == ["trial", "attempt", "iteration", "split", "metric", "value"])
        #expect(csv.rows == [
            [id, "1", "0", "validation", "loss", "1.0"],
            [id, "1", "0", "validation", "accuracy", (0.5 - 0.01).description],
            [id, "1", "0", "test", "loss", "1.5"],
            [id, "1", "0", "test", "accuracy", "0.5"],
            [id, "1", "100", "validation", "loss", "0.5"],
            [id, "1", "100", "validation", "accuracy", (0.75 - 0.01).description],
            [id, "1", "100", "test", "loss", "0.75"],
            [id, "1", "100", "test", "accuracy", "0.75"],
        ])
    }

    @Test func trialsComeInPlanOrderAndUnfinishedTrialsShowTheirLatestAttempt() throws {
        let fixture = try JournalFixture()
        let dense0 = fixture.dense(seed: 0)
        let dense1 = fixture.dense(seed: 1)
        try fixture.start(dense1, attempt: 1)
        try fixture.stream(dense1, attempt: 1, [Evaluation(iteration: 0, split: .test, loss: 2, accuracy: 0.1)])
        try fixture.fail(dense1, attempt: 1, error: "lease lapsed", final: false)
        try fixture.start(dense1, attempt: 2)
        try fixture.stream(dense1, attempt: 2, [Evaluation(iteration: 0, split: .test, loss: 2.5, accuracy: 0.125)])
        try fixture.finish(dense0, accuracy: 0.75, points: [Evaluation(iteration: 0, split: .train, loss: 3, accuracy: 0.25)])

        let csv = ParsedCSV(try MetricsTable(results: fixture.results()).csv)
        #expect(csv.rows == [
            [dense0.id.rawValue, "1", "0", "train", "loss", "3.0"],
            [dense0.id.rawValue, "1", "0", "train", "accuracy", "0.25"],
            [dense1.id.rawValue, "2", "0", "test", "loss", "2.5"],
            [dense1.id.rawValue, "2", "0", "test", "accuracy", "0.125"],
        ])
    }

    @Test func aDivergedLossIsAnEmptyCellNotNaN() throws {
        let fixture = try JournalFixture()
        let dense = fixture.dense(seed: 0)
        try fixture.start(dense)
        try fixture.stream(dense, [Evaluation(iteration: 100, split: .validation, loss: .nan, accuracy: 0.1)])
        let text = try MetricsTable(results: fixture.results()).csv
        #expect(!text.lowercased().contains("nan"))
        #expect(ParsedCSV(text).rows == [
            [dense.id.rawValue, "1", "100", "validation", "loss", ""],
            [dense.id.rawValue, "1", "100", "validation", "accuracy", "0.1"],
        ])
    }

    @Test func anInfiniteLossIsInf() throws {
        let fixture = try JournalFixture()
        let dense = fixture.dense(seed: 0)
        try fixture.start(dense)
        try fixture.stream(dense, [Evaluation(iteration: 100, split: .validation, loss: .infinity, accuracy: 0.1)])
        let table = MetricsTable(results: try fixture.results())
        #expect(ParsedCSV(try table.csv).rows == [
            [dense.id.rawValue, "1", "100", "validation", "loss", "inf"],
            [dense.id.rawValue, "1", "100", "validation", "accuracy", "0.1"],
        ])
        var fast = ""
        try table.forEachLine { fast += $0 }
        #expect(fast.contains(",100,validation,loss,inf\n"))
    }

    @Test func itsFastLinesAreTheRowsAsCSV() throws {
        let fixture = try JournalFixture.finished()
        let dense = fixture.dense(seed: 0)
        try fixture.journal.recordMetrics(dense.id, attempt: 1, [
            Evaluation(iteration: 300, split: .train, loss: .nan, accuracy: 1.0 / 3.0),
        ])
        let table = MetricsTable(results: try fixture.results())
        var fast = ""
        try table.forEachLine { fast += $0 }
        var generic = ""
        try table.forEachRow { generic += CSV.line($0) }
        #expect(fast == generic)
        #expect(fast.contains(",300,train,loss,\n"))
    }

    @Test func noPointsNoRows() throws {
        let fixture = try JournalFixture()
        #expect(try MetricsTable(results: fixture.results()).csv == "trial,attempt,iteration,split,metric,value\n")
    }
}
