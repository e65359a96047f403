import Foundation
import Journal
import LotteryCore
import TestSupport
import Testing
import Wire

/// A coordinator process facing peers that do not speak the protocol properly.
@Suite(.serialized) struct BadPeerTests {
    private func connect(_ cluster: Cluster, id: String) throws -> (ZMQContext, Socket) {
        let context = try ZMQContext()
        let socket = try Socket(.dealer, context: context)
        try socket.set(.routingID(id))
        try socket.set(.linger(.zero))
        try socket.connect(cluster.endpoint)
        return (context, socket)
    }

    private func receive(_ socket: Socket, timeout: Duration = .seconds(60)) async throws -> [[UInt8]]? {
        try await poll(timeout: timeout, every: .milliseconds(10)) { try socket.tryReceive() }
    }

    @Test func anotherProtocolVersionGetsAClearRejection() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "version")
        try cluster.startCoordinator()
        try await cluster.waitFor("the journal") { !$0.isEmpty }
        let (context, socket) = try connect(cluster, id: "future-worker")
        _ = context
        let header = #"{"v":2,"worker":"future","host":"","slots":1,"threads":1,"datasets":{},"running":[]}"#
        try socket.send([Array("HELLO".utf8), Array(header.utf8)])
        let received = try await receive(socket)
        let reply = try #require(received, "no answer to a version-2 HELLO; coordinator log:\n\(cluster.log("coordinator"))")
        let message = try WireMessage(frames: reply)
        guard case .reject(let rejection) = message else {
            Issue.record("expected REJECT, got \(message.typeName)")
            return
        }
        #expect(rejection.reason == .version)
        #expect(rejection.detail.contains("version 2"))
        #expect(rejection.versions == [1])
        cluster.killCoordinator()
    }

    @Test func garbageAndTruncatedFramesAreCountedAndTheSweepStillCompletes() async throws {
        let cluster = try Cluster(sweep: TestSweeps.chains(iterations: 100, levels: 1, seeds: 1), name: "garbage")
        try cluster.startCoordinator()
        try await cluster.waitFor("the journal") { !$0.isEmpty }
        let (context, socket) = try connect(cluster, id: "vandal")
        _ = context
        var generator = SystemRandomNumberGenerator()
        var sent = 0
        for round in 0..<300 {
            let frameCount = Int.random(in: 1...4, using: &generator)
            var frames = (0..<frameCount).map { _ in
                (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            if round % 3 == 0 { frames[0] = Array("RESULT".utf8) }            // a real type, garbage after
            if round % 5 == 0 { frames = [Array("HELLO".utf8)] }              // truncated: no header
            if round % 7 == 0 { frames = [Array("METRICS".utf8), Array(#"{"v":1,"lease":"x"}"#.utf8)] }
            try socket.send(frames)
            sent += 1
        }
        // A real worker still gets the whole sweep done.
        try cluster.startWorker("honest")
        #expect(try await cluster.waitForCoordinator() == 0, "\(cluster.log("coordinator"))")
        let journal = try cluster.journal()
        #expect(try journal.trials().allSatisfy { $0.state == .done })
        let counters = try journal.counters()
        let dropped = counters.filter { $0.key.hasPrefix("dropped:") }.values.reduce(0, +)
        #expect(dropped == sent, "counters: \(counters)")
        let status = Process()
        status.executableURL = URL(fileURLWithPath: Cluster.binary)
        status.arguments = ["status", cluster.folder + "/runs/garbage"]
        let pipe = Pipe()
        status.standardOutput = pipe
        try status.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        while status.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        #expect(text.contains("dropped messages:"))
        #expect(!text.contains("dropped messages: none"))
    }
}
