import Testing
@testable import Wire

@Suite struct SocketTests {
    let context: ZMQContext

    init() throws {
        context = try ZMQContext()
    }

    @Test func routerAndDealerExchangeMultipartMessages() throws {
        let router = try Socket(.router, context: context)
        try router.set(.routerMandatory(true))
        try router.bind("tcp://127.0.0.1:*")
        let endpoint = try router.lastEndpoint
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))

        let dealer = try Socket(.dealer, context: context)
        try dealer.set(.routingID("worker-1"))
        try dealer.connect(endpoint)

        let frames: [[UInt8]] = [Array("HELLO".utf8), [], [0, 1, 2, 255], [UInt8](repeating: 7, count: 100_000)]
        try dealer.send(frames)

        #expect(try Socket.poll([PollItem(router)], timeout: .seconds(5)) == [.readable])
        let received = try #require(try router.tryReceive())
        #expect(received == [Array("worker-1".utf8)] + frames)

        try router.send([Array("worker-1".utf8), Array("ACK".utf8), [42]])
        #expect(try Socket.poll([PollItem(dealer)], timeout: .seconds(5)) == [.readable])
        #expect(try dealer.receive() == [Array("ACK".utf8), [42]])
    }

    @Test func nonBlockingReceiveOnAnEmptySocketIsNil() throws {
        let pair = try Socket(.pair, context: context)
        try pair.bind("inproc://socket-tests.empty")
        #expect(try pair.tryReceive() == nil)
    }

    @Test func pollTimesOutWithNoEvents() throws {
        let a = try Socket(.pair, context: context)
        let b = try Socket(.pair, context: context)
        try a.bind("inproc://socket-tests.poll")
        try b.connect("inproc://socket-tests.poll")
        let clock = ContinuousClock()
        let start = clock.now
        let found = try Socket.poll([PollItem(a), PollItem(b)], timeout: .milliseconds(50))
        let waited = clock.now - start
        #expect(found == [[], []])
        #expect(waited >= .milliseconds(45))
        #expect(waited < .seconds(2))

        try b.send([[1]])
        let ready = try Socket.poll([PollItem(a), PollItem(b)], timeout: .seconds(5))
        #expect(ready == [.readable, []])
    }

    @Test func bindingABadEndpointFailsWithLibzmqsText() throws {
        let socket = try Socket(.router, context: context)
        let error = try #require(throws: WireError.self) { try socket.bind("nonsense://nowhere") }
        #expect(error.code != nil)
        #expect(error.text == LibZMQ.errorText(error.code ?? 0))
        #expect(error.text == "Protocol not supported")
        #expect(error.operation == "zmq_bind(nonsense://nowhere)")
        #expect(error.description.contains("Protocol not supported"))
    }

    @Test func aClosedSocketRefusesWork() throws {
        let socket = try Socket(.dealer, context: context)
        socket.close()
        socket.close()
        let error = try #require(throws: WireError.self) { try socket.connect("inproc://anything") }
        #expect(error.isSocketClosed)
    }

    @Test func routerMandatoryReportsAnUnknownPeer() throws {
        let router = try Socket(.router, context: context)
        try router.set(.routerMandatory(true))
        try router.bind("inproc://socket-tests.mandatory")
        let error = try #require(throws: WireError.self) { try router.send([Array("nobody".utf8), [1]]) }
        #expect(error.isPeerUnreachable)
    }

    @Test func optionsReadBack() throws {
        let socket = try Socket(.dealer, context: context)
        #expect(try socket.linger == .zero)
        try socket.set(.linger(.milliseconds(250)))
        #expect(try socket.linger == .milliseconds(250))
        try socket.set(.linger(nil))
        #expect(try socket.linger == nil)
        try socket.set(.routingID([9, 8, 7]))
        #expect(try socket.routingID == [9, 8, 7])
        for option: SocketOption in [
            .sendHighWaterMark(5000), .receiveHighWaterMark(5000), .maxMessageSize(1 << 20),
            .maxMessageSize(nil), .reconnectInterval(.milliseconds(100)), .reconnectIntervalMax(.seconds(5)),
            .immediate(true), .heartbeatInterval(.seconds(1)), .heartbeatTTL(.seconds(5)),
            .heartbeatTimeout(.seconds(5)), .zapDomain("lottery"),
        ] {
            try socket.set(option)
        }
        let error = try #require(throws: WireError.self) { try socket.set(.routingID([])) }
        #expect(error.text == "Invalid argument")
    }

    @Test func contextShutdownEndsABlockingReceive() async throws {
        let context = try ZMQContext()
        let socket = try Socket(.pair, context: context)
        try socket.bind("inproc://socket-tests.shutdown")
        context.shutdown()
        let error = try #require(throws: WireError.self) { try socket.receive() }
        #expect(error.isContextTerminated)
        socket.close()
    }
}
