import Foundation
import Journal
import LotteryCore
import SweepPlan
import Testing

@testable import Reports

@Suite struct ReportWriterTests {
    private func files(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func writesEveryTableAndPlotIntoTheRunFolder() throws {
        let fixture = try JournalFixture.finished()
        let report = try ReportWriter(runFolder: fixture.folder.path, readSweep: Sweep.init(yaml:file:)).write()
        #expect(report.directory == fixture.folder.path)
        #expect(report.files == ReportWriter.fileNames.map { fixture.folder.appendingPathComponent($0).path })
        let written = try files(in: fixture.folder).filter { !$0.hasPrefix("sweep.sqlite") }
        #expect(written == ReportWriter.fileNames.sorted(), "and no .partial files left behind")

        let trials = ParsedCSV(try String(contentsOf: fixture.folder.appendingPathComponent("trials.csv"), encoding: .utf8))
        #expect(trials.rows.count == 26)
        let summary = ParsedCSV(try String(contentsOf: fixture.folder.appendingPathComponent("summary.csv"), encoding: .utf8))
        #expect(summary.rows.count == 10)
        let metrics = ParsedCSV(try String(contentsOf: fixture.folder.appendingPathComponent("metrics.csv"), encoding: .utf8))
        #expect(metrics.rows.count == 26 * 3 * 2 * 2, "26 trials × 3 iterations × 2 splits × 2 metrics")
        for name in ReportWriter.fileNames where name.hasSuffix(".svg") {
            let svg = try String(contentsOf: fixture.folder.appendingPathComponent(name), encoding: .utf8)
            #expect(XMLNode.parse(svg)?.name == "svg", "\(name)")
        }
    }

    @Test func writesWhereItIsToldCreatingTheFolder() throws {
        let fixture = try JournalFixture.finished()
        let out = fixture.folder.appendingPathComponent("reports/today")
        let report = try ReportWriter(journalPath: fixture.path, readSweep: Sweep.init(yaml:file:)).write(to: out.path)
        #expect(report.directory == out.path)
        #expect(try files(in: out) == ReportWriter.fileNames.sorted())
        // Writing again replaces the files.
        try ReportWriter(journalPath: fixture.path, readSweep: Sweep.init(yaml:file:)).write(to: out.path)
        #expect(try files(in: out) == ReportWriter.fileNames.sorted())
    }

    @Test func theTextSaysHowFarEachBranchCanBePruned() throws {
        let fixture = try JournalFixture.finished()
        let out = fixture.folder.appendingPathComponent("out")
        let text = try ReportWriter(journalPath: fixture.path, readSweep: Sweep.init(yaml:file:)).write(to: out.path).text
        #expect(text == """
            sweep tiny: 26 trials, 26 done
            wrote \(out.path): trials.csv, metrics.csv, summary.csv, accuracy-vs-weights.svg, early-stop-vs-weights.svg, generalization-gap-vs-weights.svg, learning-curves.svg

            Winning tickets: the sparsest level whose mean test accuracy at early stop is within 0.5 points of the dense network's.
            config 0 (pruning.rates.fc=0.2): dense 62.50% (2 trials)
              ticket        matches dense down to 64.2% weights (level 2: 62.25%, 2 trials); never below
              reinit        matches dense down to 80.1% weights (level 1: 62.50%, 4 trials); first below at 64.2% weights (level 2: 50.00%, 4 trials)
            config 1 (pruning.rates.fc=0.5): dense 62.50% (2 trials)
              ticket        matches dense down to 50.3% weights (level 1: 62.50%, 2 trials); first below at 25.5% weights (level 2: 50.00%, 2 trials)
              reinit        never within 0.5 points of dense; first below at 50.3% weights (level 1: 25.00%, 4 trials)

            """)
    }

    @Test func theTextGivesTheGapOfTheDenseNetworkAndOfEachMatchingLevel() throws {
        let fixture = try JournalFixture.finished(training: true)
        let out = fixture.folder.appendingPathComponent("out")
        let report = try ReportWriter(journalPath: fixture.path, readSweep: Sweep.init(yaml:file:)).write(to: out.path)
        let lines = report.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[3] == "Winning tickets: the sparsest level whose mean test accuracy at early stop is within 0.5 points "
                + "of the dense network's. Gap: training-sample less test accuracy at early stop, in points.")
        #expect(lines[4] == "config 0 (pruning.rates.fc=0.2): dense 62.50% (2 trials; gap 25.00 points)")
        #expect(lines[5] == "  ticket        matches dense down to 64.2% weights (level 2: 62.25%, 2 trials; gap 12.50 points); never below")
        #expect(lines[6] == "  reinit        matches dense down to 80.1% weights (level 1: 62.50%, 4 trials; gap 0.00 points); "
                + "first below at 64.2% weights (level 2: 50.00%, 4 trials)")
        let metrics = ParsedCSV(try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8))
        #expect(metrics.rows.count == 26 * 3 * 3 * 2, "26 trials × 3 iterations × 3 splits × 2 metrics")
        #expect(metrics.rows.prefix(6).map { $0[3] } == ["train", "train", "validation", "validation", "test", "test"])
        let svg = try String(contentsOf: out.appendingPathComponent("generalization-gap-vs-weights.svg"), encoding: .utf8)
        #expect(svg.contains("data-label=\"fc=0.2 · ticket\""))
    }

    @Test func worksWhileTheSweepRuns() throws {
        let fixture = try JournalFixture()
        let dense = fixture.dense(seed: 0)
        try fixture.start(dense)
        try fixture.stream(dense, JournalFixture.points(test: [0.1]))
        // The fixture's journal stays open for writing, as the coordinator's would.
        let report = try ReportWriter(runFolder: fixture.folder.path, readSweep: Sweep.init(yaml:file:)).write()
        #expect(report.text.hasPrefix("sweep tiny: 26 trials, 25 pending, 1 running\n"))
        #expect(report.text.contains("config 0 (pruning.rates.fc=0.2): dense run not finished yet, nothing to compare with"))
        let metrics = ParsedCSV(try String(contentsOfFile: fixture.folder.appendingPathComponent("metrics.csv").path, encoding: .utf8))
        #expect(metrics.rows.count == 4)
        try fixture.journal.recordMetrics(dense.id, attempt: 1, JournalFixture.points(test: [0.1, 0.2]))
        #expect(try ReportWriter(runFolder: fixture.folder.path, readSweep: Sweep.init(yaml:file:)).write().levels.first?.done == 0)
    }

    @Test func aMissingFolderOrJournalIsAClearError() throws {
        let missing = #expect(throws: ReportError.self) { try ReportWriter(runFolder: "/nonexistent/runs/x", readSweep: Sweep.init(yaml:file:)) }
        #expect(missing?.description == "/nonexistent/runs/x: no such folder; give a sweep's run folder, like runs/quickstart")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-nojournal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let noJournal = #expect(throws: ReportError.self) { try ReportWriter(runFolder: folder.path, readSweep: Sweep.init(yaml:file:)) }
        #expect(noJournal?.description.hasPrefix("\(folder.path)/sweep.sqlite: no journal here") == true)
    }

    @Test func theJournalFileItselfMayBeGiven() throws {
        let fixture = try JournalFixture()
        let writer = try ReportWriter(runFolder: fixture.path, readSweep: Sweep.init(yaml:file:))
        #expect(writer.journalPath == fixture.path)
        #expect(writer.runFolder == fixture.folder.path)
    }

    @Test func badOptionsFailBeforeAnythingIsWritten() throws {
        let fixture = try JournalFixture()
        let config = #expect(throws: ReportError.self) {
            try ReportWriter(journalPath: fixture.path, readSweep: Sweep.init(yaml:file:), options: ReportOptions(curvesConfig: 2)).write()
        }
        #expect(config?.description == "--curves-config 2: the sweep has configs 0 to 1")
        #expect(throws: ReportError.self) {
            try ReportWriter(journalPath: fixture.path, readSweep: Sweep.init(yaml:file:), options: ReportOptions(groupBy: ["lr"])).write()
        }
        #expect(try files(in: fixture.folder).allSatisfy { $0.hasPrefix("sweep.sqlite") })
    }

    @Test func groupingByAxesPoolsTheSummary() throws {
        let fixture = try JournalFixture.finished()
        let out = fixture.folder.appendingPathComponent("pooled")
        let report = try ReportWriter(journalPath: fixture.path, readSweep: Sweep.init(yaml:file:), options: ReportOptions(groupBy: [])).write(to: out.path)
        #expect(report.levels.count == 5)
        #expect(report.text.contains("group 0: dense 62.50% (2 trials)"))
    }
}
