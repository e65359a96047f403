import ArgumentParser
import Foundation
import LotteryCore
import Reports
import SweepPlan

/// `lottery report runs/x`: CSV tables and SVG plots of a sweep, read from its journal.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a sweep's tables (CSV) and plots (SVG) from its journal, and summarise them.",
        discussion: """
            Reads runs/<name>/sweep.sqlite only, so it works on a finished sweep and on one still \
            running. Writes trials.csv, metrics.csv, summary.csv, accuracy-vs-weights.svg, \
            early-stop-vs-weights.svg, generalization-gap-vs-weights.svg and learning-curves.svg \
            (docs/REPORTS.md describes every column), then prints, per config and branch, the \
            sparsest level whose mean test accuracy at early stop is within --tolerance points of \
            the dense network's.
            Example: lottery report runs/quickstart --group-by pruning.rates.fc
            """)

    @Argument(help: ArgumentHelp("The sweep's run folder (runs/<name>), or its journal file.", valueName: "run-folder"))
    var folder: String

    @Option(help: "Folder to write into (created if needed). Default: the run folder.")
    var out: String?

    @Option(parsing: .upToNextOption,
            help: "Axes to group the summary, plots and text by (key paths, e.g. pruning.rates.fc); configs that agree on them are pooled. Default: every axis but the seeds, one group per config.")
    var groupBy: [String] = []

    @Option(help: "The config whose learning curves are drawn (0-based, as in trials.csv's configs column).")
    var curvesConfig = 0

    @Option(parsing: .upToNextOption, help: "The levels whose learning curves are drawn. Default: level 0 and up to four more, spread out.")
    var curvesLevels: [Int] = []

    @Option(help: "Percentage points of test accuracy a level may lose against the dense network and still match it.")
    var tolerance = 0.5

    func validate() throws {
        guard tolerance >= 0, tolerance.isFinite else {
            throw ValidationError("--tolerance must be a number of points ≥ 0")
        }
        guard curvesConfig >= 0 else { throw ValidationError("--curves-config must be ≥ 0") }
    }

    func run() throws {
        let options = ReportOptions(groupBy: groupBy.isEmpty ? nil : groupBy, curvesConfig: curvesConfig,
                                    curvesLevels: curvesLevels.isEmpty ? nil : curvesLevels, tolerance: tolerance)
        do {
            let report = try ReportWriter(runFolder: folder, readSweep: Sweep.init(yaml:file:), options: options).write(to: out)
            print(report.text, terminator: "")
        } catch let error as ReportError {
            FileHandle.standardError.write(Data("lottery report: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
