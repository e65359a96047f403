import Foundation
import Journal
import LotteryCore
import TestSupport
import Testing
import Wire

/// A worker played by the test itself: a DEALER socket on loopback that sends what the
/// test says, message by message, for what a real worker never sends (a wrong artifact,
/// a malformed `HELLO`) or sends too rarely to test (an infinite loss).
final class ProtocolPeer {
    let id: String
    // Declared before the context: properties are released in order, and a ZeroMQ
    // context waits for its sockets to close.
    private let socket: Socket
    private let context: ZMQContext

    init(_ cluster: Cluster, id: String) throws {
        context = try ZMQContext()
        socket = try Socket(.dealer, context: context)
        try socket.set(.routingID(id))
        try socket.set(.linger(.zero))
        try socket.connect(cluster.endpoint)
        self.id = id
    }

    func send(_ message: WireMessage) throws {
        try socket.send(try message.frames())
    }

    /// These frames as they are.
    func send(frames: [[UInt8]]) throws {
        try socket.send(frames)
    }

    /// A message with this type frame and header text, however wrong.
    func send(type: String, header: String) throws {
        try socket.send([Array(type.utf8), Array(header.utf8)])
    }

    /// The next message that is not a `HEARTBEAT`, decoded; nil when none comes in time.
    func receive(timeout: Duration = .seconds(60)) async throws -> WireMessage? {
        try await poll(timeout: timeout, every: .milliseconds(10)) {
            while let frames = try socket.tryReceive() {
                let message = try WireMessage(frames: frames)
                if case .heartbeat = message { continue }
                return message
            }
            return nil
        }
    }

    /// Every message but `HEARTBEAT`s that arrives within `duration`.
    func collect(for duration: Duration) async throws -> [WireMessage] {
        let deadline = ContinuousClock.now + duration
        var messages: [WireMessage] = []
        while ContinuousClock.now < deadline {
            if let message = try await receive(timeout: deadline - ContinuousClock.now) { messages.append(message) }
        }
        return messages
    }

    /// `HELLO` with the fingerprint the coordinator expects for Fashion-MNIST (from its
    /// journal: its own copy's, when it has one), then `READY`: the `ASSIGN` it gets back.
    func join(_ cluster: Cluster, free: Int = 1) async throws -> WireMessage.Assignment {
        try send(.hello(Self.hello(cluster, worker: id)))
        let welcome = try #require(try await receive(), "no answer to HELLO; coordinator log:\n\(cluster.log("coordinator"))")
        guard case .welcome = welcome else {
            Issue.record("expected WELCOME, got \(welcome)")
            throw CancellationError()
        }
        try send(.ready(.init(free: free)))
        let assign = try #require(try await receive(), "no ASSIGN; coordinator log:\n\(cluster.log("coordinator"))")
        guard case .assign(let assignment) = assign else {
            Issue.record("expected ASSIGN, got \(assign)")
            throw CancellationError()
        }
        return assignment
    }

    /// The fingerprint of Fashion-MNIST the coordinator expects, as its journal has it;
    /// one of the test's own when it expects none yet (it then learns this one).
    static func fingerprint(_ cluster: Cluster) throws -> DatasetFingerprint {
        let journal = try cluster.journal()
        let files = try journal.metaEntries(prefix: "fingerprint-file:fashion-mnist/")
        guard let combined = try journal.meta("fingerprint:fashion-mnist") else {
            return DatasetFingerprint(combined: String(repeating: "5", count: 64))
        }
        return DatasetFingerprint(combined: combined, files: files)
    }

    static func hello(_ cluster: Cluster, worker: String) throws -> WireMessage.Hello {
        WireMessage.Hello(worker: worker, host: "test", slots: 1, threads: 1,
                          fingerprints: ["fashion-mnist": try fingerprint(cluster)])
    }
}
