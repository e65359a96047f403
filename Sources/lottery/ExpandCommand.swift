import ArgumentParser
import Foundation
import LotteryCore
import SweepPlan

/// `lottery expand sweeps/x.yaml`: validates a sweep file and shows the trials it would
/// run, without running anything.
struct ExpandCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expand",
        abstract: "Show the trials a sweep file expands to, without running anything.",
        discussion: """
            Validates the file (every problem is reported, with file:line:column) and prints a \
            summary: configs, chains, trials, trials shared between chains, the DAG's depth and \
            the total training samples. --format table adds one row per trial; csv and json \
            give the trials for other tools, dot the dependency graph for Graphviz.
            """)

    @Argument(help: "The sweep file (YAML), e.g. sweeps/quickstart.yaml.")
    var file: String

    @Option(help: "What to print: the summary, the summary and a table of trials, or the trials as csv, json or dot.")
    var format: PlanFormat = .summary

    func run() throws {
        let sweep: Sweep
        do {
            sweep = try Sweep(contentsOf: file)
        } catch let error as SweepError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode.failure
        }
        print(Plan(sweep).rendered(as: format), terminator: "")
    }
}

extension PlanFormat: ExpressibleByArgument {}
