import ArgumentParser
import Foundation
import Journal
import LotteryCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "What a sweep's journal says, while it runs or after.")

    @Argument(help: "The run folder, e.g. runs/quickstart (or its sweep.sqlite).")
    var folder: String

    @Option(help: "Recent events to show.")
    var events = 10

    func run() throws {
        let path = folder.hasSuffix(".sqlite") ? folder : folder + "/sweep.sqlite"
        let journal: Journal
        do {
            journal = try Journal(readOnly: path)
        } catch {
            FileHandle.standardError.write(Data("lottery status: \(error)\n".utf8))
            throw ExitCode.failure
        }
        // Counts and a few rows, never every trial: a large sweep's status takes a moment.
        let counts = try journal.stateCounts()
        let name = try journal.meta("sweep_name") ?? "?"
        let file = try journal.meta("sweep_file") ?? "?"
        print("sweep \(name) (\(file)), journal \(path)")
        print(TrialState.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: " · ")
              + " · total \(counts.values.reduce(0, +))")
        print("metric points \(try journal.metricCount())")
        let counters = try journal.counters()
        let dropped = counters.filter { $0.key.hasPrefix("dropped:") }
        if dropped.isEmpty {
            print("dropped messages: none")
        } else {
            print("dropped messages: " + dropped.sorted { $0.key < $1.key }
                .map { "\($0.key.dropFirst("dropped:".count)) \($0.value)" }.joined(separator: ", "))
        }
        for trial in try journal.trialBriefs(in: .failed, limit: 10) {
            print("failed \(trial.id) level \(trial.level) \(trial.branch) after \(trial.attempts) attempts: "
                  + (trial.error ?? "?"))
        }
        for trial in try journal.trialBriefs(in: .running, limit: 10) {
            print("running \(trial.id) level \(trial.level) \(trial.branch) on \(trial.worker ?? "?") "
                  + "(attempt \(trial.attempts))")
        }
        let formatter = ISO8601DateFormatter()
        // Turned-away workers get no trial and so leave no other trace: shown whatever came after.
        for event in try journal.events(last: 5, kind: "worker-rejected") {
            let time = formatter.string(from: Date(timeIntervalSince1970: event.at))
            print("rejected worker \(event.worker ?? "?") at \(time): \(event.message)")
        }
        let recent = try journal.events(last: events)
        if !recent.isEmpty { print("recent events:") }
        for event in recent {
            let time = formatter.string(from: Date(timeIntervalSince1970: event.at))
            print("  \(time) \(event.kind) \(event.trial ?? "") \(event.worker ?? ""): \(event.message)")
        }
    }
}
