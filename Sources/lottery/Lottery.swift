import ArgumentParser

@main
struct Lottery: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lottery",
        abstract: "Run Lottery Ticket Hypothesis experiments: train, prune, reset, repeat.",
        subcommands: [ExpandCommand.self])
}
