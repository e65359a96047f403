import ArgumentParser
import Foundation
import Trainer

@main
struct Lottery: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lottery",
        abstract: "Run Lottery Ticket Hypothesis experiments: train, prune, reset, repeat.",
        subcommands: [ExpandCommand.self, TrainCommand.self, BenchCommand.self, ReportCommand.self])

    static func main() {
        if let reason = BLASKernel.unsupportedCPUReason() {
            FileHandle.standardError.write(Data("lottery: \(reason)\n".utf8))
            Foundation.exit(1)
        }
        BLASKernel.relaunchWithBestKernelIfNeeded()
        main(nil)
    }
}
