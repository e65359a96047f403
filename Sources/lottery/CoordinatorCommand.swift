import ArgumentParser
import Coordinator
import Foundation
import Logging
import LotteryCore
import Reports
import SweepPlan
import Wire

struct CoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coordinator",
        abstract: "Run a sweep's coordinator for workers on other machines to connect to.",
        discussion: """
            The journal is runs/<name>/sweep.sqlite. Started again on the same sweep it resumes: \
            finished trials are not rerun. Workers: lottery worker --connect tcp://THIS-HOST:PORT
            """)

    @Argument(help: "The sweep file, e.g. sweeps/quickstart.yaml.")
    var sweep: String

    @Option(help: "Where to listen, e.g. tcp://0.0.0.0:5555 (a non-loopback address needs --key and --authorized-keys, or --insecure).")
    var bind = "tcp://0.0.0.0:5555"

    @Option(help: "This coordinator's secret key file (lottery keys generate); turns CURVE on.")
    var key: String?

    @Option(help: "Workers let in with CURVE: a file of public keys, one a line, or a folder of *.pub files.")
    var authorizedKeys: String?

    @Flag(help: "Allow binding a non-loopback address without CURVE: anyone who reaches the port can join and read traffic.")
    var insecure = false

    @Flag(inversion: .prefixedNo, help: "Write the tables and plots when the sweep ends (lottery report does it any time).")
    var report = true

    @OptionGroup var options: CoordinatorOptions

    @OptionGroup var http: HTTPOptions

    func validate() throws {
        try http.check()
        guard (key == nil) == (authorizedKeys == nil) else {
            throw ValidationError("--key and --authorized-keys go together: CURVE needs both")
        }
        if key == nil && !insecure && !Endpoint.isLoopback(bind) {
            throw ValidationError("""
                refusing to bind \(bind) without CURVE: anyone who can reach it could join the sweep and read its traffic.
                Set up keys (docs/SECURITY.md):
                  lottery keys generate --out keys --name coordinator      (here)
                  lottery keys generate --out keys --name WORKER           (on each worker; copy its .pub here)
                  lottery coordinator SWEEP --bind \(bind) --key keys/coordinator.key --authorized-keys keys/workers/
                or bind a loopback address (tcp://127.0.0.1:PORT), or pass --insecure on a network you trust.
                """)
        }
    }

    func run() async throws {
        let logger = makeLogger("lottery.coordinator", level: options.logLevel)
        // Keys are read before anything starts: a bad entry stops the coordinator here.
        var curve: CurveServerKeys?
        if let key, let authorizedKeys {
            curve = CurveServerKeys(keyPair: try KeyFile.readKeyPair(key),
                                    authorizedKeys: Set(try KeyFile.readPublicKeys(authorizedKeys)))
        } else if !Endpoint.isLoopback(bind) {
            logger.warning("""
                INSECURE: \(bind) is reachable from the network without CURVE; anyone who can reach it can join \
                the sweep, send results and read traffic. See docs/SECURITY.md.
                """)
        }
        let sweep = try loadSweep(self.sweep)
        let plan = Plan(sweep)
        var configuration = options.configuration(endpoint: bind, sweepName: sweep.name)
        configuration.curve = curve
        configuration.snapshots = http.address == nil ? nil : CoordinatorSnapshots()
        let service = try CoordinatorService(
            sweep: sweep, plan: plan, configuration: configuration,
            fingerprints: localFingerprints(plan), logger: logger)
        let dashboard = try await http.start(journalPath: configuration.runFolder + "/sweep.sqlite",
                                             snapshots: configuration.snapshots, logger: logger)
        let signals = onTerminationSignals { _ in service.stop() }
        let outcome = try await service.run()
        withExtendedLifetime(signals) {}
        await dashboard?.stop()
        if outcome.finished && report { writeReport(runFolder: service.configuration.runFolder) }
        print(outcome.text(runFolder: service.configuration.runFolder))
        if !outcome.finished || outcome.failed > 0 { throw ExitCode(1) }
    }
}

/// Options every command that coordinates shares.
struct CoordinatorOptions: ParsableArguments {
    @Option(help: "Folder of run folders; a sweep's is RUNS/<name>.")
    var runs = "runs"

    @Option(help: """
        Failed attempts a trial gets before it is marked failed (an attempt lost with its worker \
        is not a failure: a trial fails after 10 of those).
        """)
    var maxAttempts = 3

    @Option(help: "Different trials a worker may fail in a row before it is quarantined.")
    var quarantineAfter = 3

    @Option(help: "Seconds of silence after which a worker is dead and loses its leases.")
    var deadAfter = 5.0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard quarantineAfter >= 1 else { throw ValidationError("--quarantine-after must be at least 1") }
        guard deadAfter > 1 else { throw ValidationError("--dead-after must be more than 1 second (the heartbeat)") }
    }

    func configuration(endpoint: String, sweepName: String) -> CoordinatorConfiguration {
        CoordinatorConfiguration(
            endpoint: endpoint, runFolder: runs + "/" + sweepName,
            scheduler: .init(maxAttempts: maxAttempts, quarantineAfter: quarantineAfter),
            deadAfter: .milliseconds(Int64(deadAfter * 1000)),
            // On a terminal, one live status line; in a log file, lines to read later.
            liveStatus: isatty(STDERR_FILENO) == 1)
    }
}

/// Writes the sweep's tables and plots and prints the report's summary; a report
/// that cannot be written is said, and the sweep's own outcome stands.
func writeReport(runFolder: String) {
    do {
        let report = try ReportWriter(runFolder: runFolder, readSweep: Sweep.init(yaml:file:)).write()
        print(report.text, terminator: "")
    } catch {
        FileHandle.standardError.write(Data("lottery: the report could not be written: \(error)\n".utf8))
    }
}

extension SweepOutcome {
    func text(runFolder: String) -> String {
        var lines = ["\(done) of \(total) trials done" + (failed > 0 ? ", \(failed) failed" : "")
                     + (skipped > 0 ? ", \(skipped) skipped" : "") + (finished ? "" : " (stopped before the end)")]
        lines.append("journal: \(runFolder)/sweep.sqlite   (lottery status \(runFolder))")
        return lines.joined(separator: "\n")
    }
}
