import Coordinator
import FlyingFox
import FlyingSocks
import Foundation
import Logging
import Synchronization

/// The dashboard of one sweep: a web page that updates itself (Server-Sent Events), the JSON
/// API it reads (docs/DASHBOARD.md), CSV downloads of the report's tables and `/metrics` for
/// Prometheus. Read-only: nothing it serves changes the sweep. It reads the journal on a
/// thread of its own and serves from what it read, so neither a coordinator's message loop
/// nor its journal commits ever wait for a request.
public final class DashboardServer: Sendable {
    public let configuration: DashboardConfiguration
    let watcher: Watcher
    let access: AccessRule
    let exporter = MetricsExporter()
    let tables: TableFiles
    let curves: CurveReader
    let streams = StreamCount()
    private let logger: Logger
    private let server: HTTPServer
    private let running = Mutex<Task<Void, any Error>?>(nil)

    /// - Throws: `DashboardError` when the token rule forbids this address.
    public init(configuration: DashboardConfiguration, logger: Logger) throws {
        if let warning = try configuration.check() { logger.warning("\(warning)") }
        self.configuration = configuration
        self.logger = logger
        watcher = Watcher(journalPath: configuration.journalPath, readSweep: configuration.readSweep,
                          interval: configuration.interval, snapshots: configuration.snapshots, logger: logger)
        access = AccessRule(token: configuration.token)
        tables = TableFiles(journalPath: configuration.journalPath, readSweep: configuration.readSweep)
        curves = CurveReader(journalPath: configuration.journalPath)
        let address = configuration.address
        let socketAddress: any SocketAddress
        do {
            socketAddress = address.isIPv6 ? try sockaddr_in6.inet6(ip6: address.host, port: address.port)
                                           : try sockaddr_in.inet(ip4: address.host, port: address.port)
        } catch {
            throw DashboardError.badAddress(address.description, why: "\(error)")
        }
        server = HTTPServer(address: socketAddress, timeout: 30, logger: .disabled)
    }

    /// Starts reading the journal and listening; returns the address listened on (its port
    /// the system's choice when 0 was asked).
    /// - Throws: `DashboardError.cannotListen`.
    @discardableResult
    public func start() async throws -> ListenAddress {
        await server.appendRoute("*", to: Router(dashboard: self))
        watcher.start()
        let task = Task { [server] in try await server.run() }
        running.withLock { $0 = task }
        do {
            try await server.waitUntilListening(timeout: 10)
        } catch {
            watcher.stop()
            task.cancel()
            let reason = (try? await task.value).map { _ in "\(error)" } ?? "\(error)"
            throw DashboardError.cannotListen(configuration.address.description, why: reason)
        }
        var bound = configuration.address
        switch await server.listeningAddress {
        case .ip4(_, let port), .ip6(_, let port): bound.port = port
        default: break
        }
        return bound
    }

    /// The URL to open: the page's, or the one-time login URL when a token is needed.
    public func pageURL(at address: ListenAddress) -> String {
        address.url + (access.loginPath ?? "/")
    }

    /// How many times the journal has been read (tests wait on it).
    public var journalReads: Int { watcher.readCount }

    public func stop() async {
        watcher.stop()
        await server.stop(timeout: 1)
        running.withLock { $0?.cancel() }
        tables.remove()
    }
}
