import Coordinator
import Reports

/// How a dashboard serves a sweep's journal.
public struct DashboardConfiguration: Sendable {
    /// Where it listens (`--http`).
    public var address: ListenAddress
    /// The journal it reads: `runs/<name>/sweep.sqlite`.
    public var journalPath: String
    /// Reads the sweep file the journal holds (`Sweep.init(yaml:file:)` from SweepPlan).
    public var readSweep: SweepFileReader
    /// The token a request must carry (`--http-token`); nil: none.
    public var token: String?
    /// Serve a non-loopback address without a token (`--http-insecure`).
    public var insecure: Bool
    /// How often the journal is read.
    public var interval: Duration
    /// The live view of a coordinator running in this process, if any.
    public var snapshots: CoordinatorSnapshots?

    public init(address: ListenAddress, journalPath: String, readSweep: @escaping SweepFileReader,
                token: String? = nil, insecure: Bool = false,
                interval: Duration = .seconds(1), snapshots: CoordinatorSnapshots? = nil) {
        self.address = address
        self.journalPath = journalPath
        self.readSweep = readSweep
        self.token = token
        self.insecure = insecure
        self.interval = interval
        self.snapshots = snapshots
    }

    /// Checks the token rule: a non-loopback address needs a token or `insecure`, a token is
    /// long enough. Returns the warning to print loudly when serving the network without one.
    /// - Throws: `DashboardError`.
    public func check() throws -> String? {
        if let token, token.count < 16 || token.contains(where: { $0.isWhitespace || $0 == ";" || $0 == "," }) {
            throw DashboardError.weakToken
        }
        guard !address.isLoopback, token == nil else { return nil }
        guard insecure else { throw DashboardError.needsToken(address.description) }
        return """
            INSECURE: the dashboard on \(address) has no token; anyone who can reach it can read the sweep \
            (its trials, errors, workers and hosts). Pass --http-token to require one.
            """
    }
}
