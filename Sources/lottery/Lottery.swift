import ArgumentParser
import Foundation
import Trainer

@main
struct Lottery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lottery",
        abstract: "Run Lottery Ticket Hypothesis experiments: train, prune, reset, repeat.",
        subcommands: [RunCommand.self, CoordinatorCommand.self, WorkerCommand.self, StatusCommand.self, ServeCommand.self,
                      ReportCommand.self, ExpandCommand.self, KeysCommand.self, TrainCommand.self, BenchCommand.self])

    static func main() async {
        if let reason = BLASKernel.unsupportedCPUReason() {
            FileHandle.standardError.write(Data("lottery: \(reason)\n".utf8))
            Foundation.exit(1)
        }
        BLASKernel.relaunchWithBestKernelIfNeeded()
        await main(nil)
    }
}
