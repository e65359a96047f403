import LotteryCore

/// A message of the coordinator–worker protocol, version 1 (docs/PROTOCOL.md).
///
/// On the wire each message is multipart: a type frame (ASCII, such as `HELLO`), a JSON
/// header frame with `"v": 1`, then the binary frames the header lists (artifacts).
/// `frames()` encodes, `init(frames:limits:)` decodes and checks everything.
public enum WireMessage: Hashable, Sendable {
    // worker → coordinator
    /// `HELLO`: the first message of a worker, and again whenever the coordinator does not know it.
    case hello(Hello)
    /// `READY`: the worker can start this many more trials.
    case ready(Ready)
    /// `FETCH`: the worker asks for artifacts it was named by digest and does not hold.
    case fetch(ArtifactRequest)
    /// `METRICS`: evaluations of a running trial, batched.
    case metrics(MetricBatch)
    /// `RESULT`: a trial finished; resent until acknowledged.
    case result(TrialResult)
    /// `FAILED`: a trial failed; resent until acknowledged.
    case failed(TrialFailure)
    /// `BYE`: the worker is leaving; its leases can go back to the queue now.
    case bye

    // coordinator → worker
    /// `WELCOME`: the coordinator accepted a `HELLO`.
    case welcome(Welcome)
    /// `ASSIGN`: run this trial under this lease.
    case assign(Assignment)
    /// `ARTIFACT`: the answer to `FETCH`.
    case artifacts(ArtifactDelivery)
    /// `ACK`: the result or failure of this attempt is durably journaled; stop resending it.
    case ack(TrialAttempt)
    /// `CANCEL`: stop running this trial; its lease is void.
    case cancel(Cancellation)
    /// `REJECT`: the coordinator will not work with this worker as it is, and says why.
    case reject(Rejection)
    /// `DRAIN`: finish the running trials, deliver their results, take no more, then leave.
    case drain
    /// `SHUTDOWN`: stop now, abandoning running trials, and leave.
    case shutdown

    // both ways
    /// `HEARTBEAT`: sent by each side every heartbeat interval.
    case heartbeat

    /// The protocol version this module speaks.
    public static let protocolVersion = 1

    /// The type frame's text.
    public var typeName: String { type.rawValue }

    /// What the type frame says.
    public var type: MessageType {
        switch self {
        case .hello: .hello
        case .ready: .ready
        case .fetch: .fetch
        case .metrics: .metrics
        case .result: .result
        case .failed: .failed
        case .bye: .bye
        case .welcome: .welcome
        case .assign: .assign
        case .artifacts: .artifact
        case .ack: .ack
        case .cancel: .cancel
        case .reject: .reject
        case .drain: .drain
        case .shutdown: .shutdown
        case .heartbeat: .heartbeat
        }
    }

    /// Every type frame of version 1.
    public static let typeNames: [String] = MessageType.allCases.map(\.rawValue)
}

/// The type frame of each message of protocol version 1: the one place its spelling is written.
public enum MessageType: String, Hashable, Sendable, CaseIterable {
    case hello = "HELLO"
    case ready = "READY"
    case fetch = "FETCH"
    case metrics = "METRICS"
    case result = "RESULT"
    case failed = "FAILED"
    case bye = "BYE"
    case welcome = "WELCOME"
    case assign = "ASSIGN"
    case artifact = "ARTIFACT"
    case ack = "ACK"
    case cancel = "CANCEL"
    case reject = "REJECT"
    case drain = "DRAIN"
    case shutdown = "SHUTDOWN"
    case heartbeat = "HEARTBEAT"
}

/// One attempt at one trial: what results are deduplicated by. A trial that is
/// re-leased after its lease lapsed gets the next attempt number.
public struct TrialAttempt: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The trial's id, as the plan computed it.
    public var trial: String
    /// 1 for the first lease of the trial, then 2, 3, …
    public var attempt: Int

    public init(trial: String, attempt: Int) {
        self.trial = trial
        self.attempt = attempt
    }

    public var description: String { "\(trial)#\(attempt)" }
}

/// A ROUTER's name for a connected peer: the first frame of what it receives from that
/// peer, and of what it sends to it.
public struct PeerID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The peer and the rest of a message a ROUTER received; nil when there is no rest.
    public static func split(_ routedFrames: [[UInt8]]) -> (peer: PeerID, frames: [[UInt8]])? {
        guard routedFrames.count >= 2 else { return nil }
        return (PeerID(routedFrames[0]), Array(routedFrames.dropFirst()))
    }

    /// The id as text when it is printable UTF-8, else as hex.
    public var description: String {
        let text = String(decoding: bytes, as: UTF8.self)
        if Array(text.utf8) == bytes, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }) {
            return text
        }
        return "0x" + bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
