import ArgumentParser
import Dashboard
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the live dashboard and /metrics of a sweep's journal, finished or still being written.",
        discussion: """
            Read-only: the journal is read, never written, so this may run beside a coordinator \
            writing the same journal on this disk (SQLite's WAL lets it read at any time). Stop it \
            with Ctrl-C. The page and the API: docs/DASHBOARD.md.
            """)

    @Argument(help: "The run folder, e.g. runs/quickstart (or its sweep.sqlite).")
    var folder: String

    @OptionGroup var http: HTTPOptions

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    static let defaultAddress = "127.0.0.1:8080"

    func validate() throws {
        try http.check(defaultAddress: Self.defaultAddress)
    }

    func run() async throws {
        let logger = makeLogger("lottery.serve", level: logLevel)
        let path = folder.hasSuffix(".sqlite") ? folder : folder + "/sweep.sqlite"
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data("lottery serve: no journal at \(path): give a run folder (runs/NAME) or its sweep.sqlite\n".utf8))
            throw ExitCode.failure
        }
        let server: DashboardServer?
        do {
            server = try await http.start(journalPath: path, snapshots: nil, logger: logger, defaultAddress: Self.defaultAddress)
        } catch {
            FileHandle.standardError.write(Data("lottery serve: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let (stopped, continuation) = AsyncStream<Void>.makeStream()
        let signals = onTerminationSignals { _ in continuation.finish() }
        for await _ in stopped {}
        withExtendedLifetime(signals) {}
        await server?.stop()
    }
}
