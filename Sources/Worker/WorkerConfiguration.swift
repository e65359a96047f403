import Foundation
import Wire

/// How a worker process runs.
public struct WorkerConfiguration: Sendable {
    /// The coordinator's endpoint, e.g. `tcp://head:5555`.
    public var endpoint: String
    /// The worker's name in logs and the journal.
    public var name: String
    /// The machine's name.
    public var host: String
    /// Trials run at once (each on its own thread).
    public var slots: Int
    /// OpenBLAS threads (process-wide).
    public var threads: Int
    /// Dataset folders by dataset name, overriding where a recipe says the data is.
    public var dataFolders: [String: String]
    /// Datasets to fingerprint for `HELLO` at start, besides those in `dataFolders`.
    public var announcedDatasets: [String]
    /// Bytes of artifacts kept for later trials (what is evicted is fetched
    /// again if a later trial needs it).
    public var artifactCacheBytes: Int
    /// How often unacknowledged results are sent again.
    public var resendInterval: Duration
    /// CURVE to the coordinator: this worker's key pair and the coordinator's public key.
    /// Nil: plain TCP.
    public var curve: CurveClientKeys?
    /// Handshakes in a row the coordinator may break off without a reason (as a CURVE
    /// server does for a client that has the wrong server key) before the worker gives
    /// up. A refusal (the coordinator's ZAP handler turned the key down) or a mismatch of
    /// security mechanisms ends the worker at the first: libzmq does not retry those.
    public var maxHandshakeFailures: Int

    public init(endpoint: String, name: String = ProcessInfo.processInfo.hostName, host: String = ProcessInfo.processInfo.hostName,
                slots: Int = 1, threads: Int = 1, dataFolders: [String: String] = [:],
                announcedDatasets: [String] = ["fashion-mnist"], artifactCacheBytes: Int = 32 << 20,
                resendInterval: Duration = .seconds(5), curve: CurveClientKeys? = nil, maxHandshakeFailures: Int = 5) {
        self.endpoint = endpoint
        self.name = name
        self.host = host
        self.slots = slots
        self.threads = threads
        self.dataFolders = dataFolders
        self.announcedDatasets = announcedDatasets
        self.artifactCacheBytes = artifactCacheBytes
        self.resendInterval = resendInterval
        self.curve = curve
        self.maxHandshakeFailures = maxHandshakeFailures
    }
}

/// A worker's side of CURVE.
public struct CurveClientKeys: Sendable {
    public var keyPair: CurveKeyPair
    /// The coordinator's public key: the worker talks only to the holder of its secret.
    public var coordinatorKey: CurveKey
    /// Where this worker's public key is written (`NAME.pub` beside `NAME.key`), for
    /// messages that say what to authorize; nil when not known.
    public var publicKeyFile: String?

    public init(keyPair: CurveKeyPair, coordinatorKey: CurveKey, publicKeyFile: String? = nil) {
        self.keyPair = keyPair
        self.coordinatorKey = coordinatorKey
        self.publicKeyFile = publicKeyFile
    }
}
