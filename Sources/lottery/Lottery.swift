import ArgumentParser
import Trainer

@main
struct Lottery: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lottery",
        abstract: "Run Lottery Ticket Hypothesis experiments: train, prune, reset, repeat.",
        subcommands: [TrainCommand.self])

    static func main() {
        BLASKernel.relaunchWithBestKernelIfNeeded()
        main(nil)
    }
}
