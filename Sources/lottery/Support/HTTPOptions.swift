import ArgumentParser
import Coordinator
import Dashboard
import Foundation
import Logging
import LotteryCore
import SweepPlan

/// `--http`, `--http-token`, `--http-insecure`: the dashboard, for the commands that serve one.
struct HTTPOptions: ParsableArguments {
    @Option(name: .customLong("http"), help: """
        Serve the live dashboard and /metrics at HOST:PORT, e.g. 127.0.0.1:8080 (a non-loopback \
        address needs --http-token or --http-insecure). See docs/DASHBOARD.md.
        """)
    var address: String?

    @Option(name: .customLong("http-token"), help: """
        A token (16+ characters) the dashboard requires: scripts send 'Authorization: Bearer TOKEN', \
        browsers open the one-time login URL printed at start. Also read from LOTTERY_HTTP_TOKEN.
        """)
    var token: String?

    @Flag(name: .customLong("http-insecure"), help: "Serve a non-loopback --http address without a token: anyone who reaches it can read the sweep.")
    var insecure = false

    /// Checks the address and the token rule (for `serve`, whose address has a default, too).
    func check(defaultAddress: String? = nil) throws {
        guard address != nil || defaultAddress != nil else {
            if token != nil || insecure { throw ValidationError("--http-token and --http-insecure go with --http HOST:PORT") }
            return
        }
        do {
            _ = try configuration(journalPath: "", snapshots: nil, defaultAddress: defaultAddress).check()
        } catch let error as DashboardError {
            throw ValidationError("\(error)")
        }
    }

    /// The token given, or the environment's.
    private var resolvedToken: String? {
        token ?? ProcessInfo.processInfo.environment["LOTTERY_HTTP_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func configuration(journalPath: String, snapshots: CoordinatorSnapshots?,
                       defaultAddress: String? = nil) throws -> DashboardConfiguration {
        DashboardConfiguration(address: try ListenAddress(address ?? defaultAddress ?? "127.0.0.1:0"), journalPath: journalPath,
                               readSweep: Sweep.init(yaml:file:), token: resolvedToken, insecure: insecure,
                               snapshots: snapshots)
    }

    /// Starts the dashboard of the journal at `journalPath` when --http was given, and says where.
    func start(journalPath: String, snapshots: CoordinatorSnapshots?, logger: Logger,
               defaultAddress: String? = nil) async throws -> DashboardServer? {
        guard address != nil || defaultAddress != nil else { return nil }
        let server = try DashboardServer(configuration: configuration(journalPath: journalPath, snapshots: snapshots,
                                                                      defaultAddress: defaultAddress),
                                         logger: logger)
        let bound = try await server.start()
        let url = server.pageURL(at: bound)
        // On stderr, like the status line, and flushed at once: scripts wait for it.
        let note = server.configuration.token == nil
            ? "dashboard: \(url)   (metrics: \(bound.url)/metrics)\n"
            : "dashboard: \(url)   (one-time login URL; scripts send 'Authorization: Bearer TOKEN'; metrics: \(bound.url)/metrics)\n"
        FileHandle.standardError.write(Data(note.utf8))
        return server
    }
}
