import Foundation
import Journal
import LotteryCore

/// Writes a sweep's report (CSV tables and SVG plots, see docs/REPORTS.md) from its journal
/// alone, so it works on a finished sweep and on one still running.
///
/// ```swift
/// let report = try ReportWriter(journalPath: "runs/quickstart/sweep.sqlite", readSweep: Sweep.init(yaml:file:)).write()
/// print(report.text)
/// ```
public struct ReportWriter: Sendable {
    public var journalPath: String
    /// Reads the sweep file the journal holds (`Sweep.init(yaml:file:)` from SweepPlan).
    public var readSweep: SweepFileReader
    public var options: ReportOptions

    /// The file names a report writes, in order.
    public static let fileNames = ["trials.csv", "metrics.csv", "summary.csv"] + ReportPlots.fileNames

    public init(journalPath: String, readSweep: @escaping SweepFileReader, options: ReportOptions = ReportOptions()) {
        self.journalPath = journalPath
        self.readSweep = readSweep
        self.options = options
    }

    /// The report of the run folder `path` (`runs/<name>`, whose journal is `sweep.sqlite`),
    /// or of the journal file `path` itself.
    /// - Throws: `ReportError` when there is no such folder or no journal in it.
    public init(runFolder path: String, readSweep: @escaping SweepFileReader,
                options: ReportOptions = ReportOptions()) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ReportError.noFolder(path)
        }
        let journal = isFolder.boolValue ? (path as NSString).appendingPathComponent("sweep.sqlite") : path
        guard FileManager.default.fileExists(atPath: journal) else { throw ReportError.noJournal(journal) }
        self.init(journalPath: journal, readSweep: readSweep, options: options)
    }

    /// The folder the journal is in: where reports go by default.
    public var runFolder: String {
        let folder = (journalPath as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Reads the journal and writes every table and plot into `directory` (created if
    /// needed; the run folder when nil). Each file is replaced whole, never left half-written.
    /// - Throws: `ReportError`.
    @discardableResult
    public func write(to directory: String? = nil) throws -> WrittenReport {
        let results = try SweepResults(journalPath: journalPath, readSweep: readSweep)
        let grouping = try Grouping(plan: results.plan, axes: options.groupBy)
        guard results.plan.configs.indices.contains(options.curvesConfig) else {
            throw ReportError.unknownConfig(options.curvesConfig, count: results.plan.configs.count)
        }
        let levels = LevelSummary.all(results, grouping: grouping)
        let directory = directory ?? runFolder
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportError.unwritable(directory, reason: error.localizedDescription)
        }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

        try FileOutput.write(TrialsTable(results), to: path("trials.csv"))
        try FileOutput.write(MetricsTable(results: results), to: path("metrics.csv"))
        try FileOutput.write(SummaryTable(grouping: grouping, levels: levels), to: path("summary.csv"))
        for plot in try ReportPlots(results: results, grouping: grouping, levels: levels, options: options).files {
            try FileOutput.write(plot.svg, to: path(plot.name))
        }

        let sizes = TicketSize.all(levels, tolerance: options.tolerance)
        let text = ReportText(results: results, grouping: grouping, levels: levels, sizes: sizes, options: options,
                              directory: directory, files: Self.fileNames).text
        return WrittenReport(directory: directory, files: Self.fileNames.map(path), levels: levels,
                             ticketSizes: sizes, text: text)
    }
}

/// What `ReportWriter.write` wrote and found.
public struct WrittenReport: Sendable {
    public var directory: String
    /// Paths of the files written.
    public var files: [String]
    /// The rows of `summary.csv`.
    public var levels: [LevelSummary]
    /// Per group and branch, the sparsest level that matches the dense network.
    public var ticketSizes: [TicketSize]
    /// The text summary `lottery report` prints.
    public var text: String
}
