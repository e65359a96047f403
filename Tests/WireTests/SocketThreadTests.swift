import Testing
import Wire

@Suite struct SocketThreadTests {
    let context: ZMQContext
    let workers: SocketID = "workers"
    let coordinator: SocketID = "coordinator"

    init() throws {
        context = try ZMQContext()
    }

    private func pair(_ endpoint: String, routerHandler: @escaping @Sendable ([[UInt8]]) -> SocketSpec.Handling = { _ in .forward })
        throws -> (router: SocketThread, dealer: SocketThread) {
        let router = try SocketThread(context: context, name: "test-router", sockets: [
            SocketSpec(workers, .router, options: [.routerMandatory(true)], bind: [endpoint], handler: routerHandler),
        ])
        let dealer = try SocketThread(context: context, name: "test-dealer", sockets: [
            SocketSpec(coordinator, .dealer, options: [.routingID("w1")], connect: [endpoint]),
        ])
        return (router, dealer)
    }

    @Test func deliversMessagesBothWays() async throws {
        let (router, dealer) = try pair("inproc://socket-thread-tests.both-ways")
        let guardTask = watchdog([router, dealer])
        defer { guardTask.cancel() }
        var fromWorkers = EventReader(router)
        var fromCoordinator = EventReader(dealer)

        let hello = WireMessage.hello(.init(worker: "w1", host: "h", slots: 1, threads: 1, datasets: [:]))
        #expect(dealer.send(try hello.frames(), on: coordinator))
        let (socket, routed) = try #require(await fromWorkers.nextMessage())
        #expect(socket == workers)
        let (peer, frames) = try #require(PeerID.split(routed))
        #expect(peer == PeerID(Array("w1".utf8)))
        #expect(try WireMessage(frames: frames) == hello)

        let welcome = WireMessage.welcome(.init(coordinator: "c1", sweep: "s"))
        #expect(router.send(try welcome.frames(to: peer), on: workers))
        let (_, reply) = try #require(await fromCoordinator.nextMessage())
        #expect(try WireMessage(frames: reply) == welcome)

        await router.stop()
        await dealer.stop()
    }

    @Test func keepsOrderAcrossManyMessages() async throws {
        let (router, dealer) = try pair("inproc://socket-thread-tests.order")
        let guardTask = watchdog([router, dealer])
        defer { guardTask.cancel() }
        var fromWorkers = EventReader(router)
        let count = 2_000
        for index in 0 ..< count {
            dealer.send([Array("HEARTBEAT".utf8), withUnsafeBytes(of: UInt32(index).littleEndian) { Array($0) }], on: coordinator)
        }
        for index in 0 ..< count {
            let (_, frames) = try #require(await fromWorkers.nextMessage())
            #expect(frames[2] == withUnsafeBytes(of: UInt32(index).littleEndian) { Array($0) })
        }
        await router.stop()
        await dealer.stop()
    }

    @Test func handlersCanAnswerOnTheSocketThread() async throws {
        let heartbeat = try WireMessage.heartbeat.frames()
        let (router, dealer) = try pair("inproc://socket-thread-tests.handler") { routed in
            // Answer heartbeats at once; forward everything else.
            routed.count == 3 && routed[1] == heartbeat[0] ? .reply([routed[0]] + heartbeat) : .forward
        }
        let guardTask = watchdog([router, dealer])
        defer { guardTask.cancel() }
        var fromWorkers = EventReader(router)
        var fromCoordinator = EventReader(dealer)

        dealer.send(heartbeat, on: coordinator)
        let (_, answer) = try #require(await fromCoordinator.nextMessage())
        #expect(try WireMessage(frames: answer) == .heartbeat)

        dealer.send(try WireMessage.bye.frames(), on: coordinator)
        let (_, routed) = try #require(await fromWorkers.nextMessage())
        #expect(try WireMessage(frames: Array(routed.dropFirst())) == .bye)

        await router.stop()
        await dealer.stop()
    }

    @Test func reportsWhatItCannotDeliver() async throws {
        let router = try SocketThread(context: context, sockets: [
            SocketSpec(workers, .router, options: [.routerMandatory(true)], bind: ["inproc://socket-thread-tests.undeliverable"]),
        ])
        let guardTask = watchdog([router])
        defer { guardTask.cancel() }
        var events = EventReader(router)

        router.send([Array("nobody".utf8), Array("HEARTBEAT".utf8), Array(#"{"v":1}"#.utf8)], on: workers)
        guard case .undeliverable(let socket, let frames, let error) = await events.next() else {
            Issue.record("expected an undeliverable event"); return
        }
        #expect(socket == workers)
        #expect(frames[0] == Array("nobody".utf8))
        #expect(error.isPeerUnreachable)

        router.send([[1]], on: "elsewhere")
        guard case .undeliverable(let other, _, let unknown) = await events.next() else {
            Issue.record("expected an undeliverable event"); return
        }
        #expect(other == "elsewhere")
        #expect(unknown.code == nil)
        await router.stop()
    }

    @Test func aRouterDropsWhatASlowPeerCannotTake() async throws {
        let endpoint = "inproc://socket-thread-tests.slow-peer"
        let router = try SocketThread(context: context, sockets: [
            SocketSpec(workers, .router, options: [.routerMandatory(true), .sendHighWaterMark(1)], bind: [endpoint]),
        ])
        // A peer that connects and never reads.
        let sleeper = try Socket(.dealer, context: context)
        try sleeper.set(.receiveHighWaterMark(1))
        try sleeper.set(.routingID("sleeper"))
        try sleeper.connect(endpoint)
        let guardTask = watchdog([router])
        defer { guardTask.cancel() }
        var events = EventReader(router)
        // The ROUTER learns the peer's id from its first message.
        try sleeper.send(try WireMessage.heartbeat.frames())
        _ = try #require(await events.nextMessage())

        for _ in 0 ..< 50 {
            try router.send(.heartbeat, to: PeerID(Array("sleeper".utf8)), on: workers)
        }
        guard case .undeliverable(_, _, let error) = await events.next() else {
            Issue.record("expected an undeliverable event"); return
        }
        #expect(error.isPeerQueueFull)
        await router.stop()
        sleeper.close()
    }

    @Test func aDealerQueuesUpToItsLimit() async throws {
        // A loopback port nobody listens on (yet): with `immediate`, a DEALER whose
        // connection is not up refuses to queue in libzmq, so the socket thread keeps
        // the messages itself. (TCP rather than inproc: whether libzmq attaches a pipe
        // to an inproc connect-before-bind at once depends on timing.)
        let probe = try Socket(.router, context: context)
        try probe.bind("tcp://127.0.0.1:*")
        let endpoint = try probe.lastEndpoint
        probe.close()
        let dealer = try SocketThread(context: context, sockets: [
            SocketSpec(coordinator, .dealer, options: [.immediate(true), .reconnectInterval(.milliseconds(20))],
                       connect: [endpoint]),
        ], maxQueuedPerSocket: 3)
        let guardTask = watchdog([dealer])
        defer { guardTask.cancel() }
        var events = EventReader(dealer)
        for _ in 0 ..< 5 { try dealer.send(.heartbeat, on: coordinator) }
        for _ in 0 ..< 2 {
            guard case .undeliverable(let socket, _, let error) = await events.next() else {
                Issue.record("expected an undeliverable event"); return
            }
            #expect(socket == coordinator)
            #expect(error.text.contains("3 messages"))
        }

        // When the peer comes, the three kept messages go out.
        let router = try Socket(.router, context: context)
        try router.bind(endpoint)
        for _ in 0 ..< 3 {
            #expect(try Socket.poll([PollItem(router)], timeout: .seconds(30)) == [.readable])
            let frames = try #require(try router.tryReceive())
            #expect(try WireMessage(frames: Array(frames.dropFirst())) == .heartbeat)
        }
        await dealer.stop()
        router.close()
    }

    @Test func stoppingEndsTheStreamAndRefusesSends() async throws {
        let thread = try SocketThread(context: context, sockets: [
            SocketSpec(workers, .router, bind: ["inproc://socket-thread-tests.stop"]),
        ])
        await thread.stop()
        #expect(thread.hasStopped)
        var events = EventReader(thread)
        #expect(await events.next() == nil)
        #expect(!thread.send([[1]], on: workers))
    }

    @Test func setUpErrorsAreThrownByInit() throws {
        let error = try #require(throws: WireError.self) {
            _ = try SocketThread(context: context, sockets: [SocketSpec(workers, .router, bind: ["bogus://x"])])
        }
        #expect(error.text == "Protocol not supported")
        #expect(throws: WireError.self) {
            _ = try SocketThread(context: context, sockets: [SocketSpec(workers, .router), SocketSpec(workers, .dealer)])
        }
    }

    @Test func reportsResolvedEndpointsOverLoopbackTCP() async throws {
        let router = try SocketThread(context: context, sockets: [
            SocketSpec(workers, .router, options: [.routerMandatory(true)], bind: ["tcp://127.0.0.1:*"]),
        ])
        let endpoint = try #require(router.endpoints[workers])
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:") && !endpoint.hasSuffix("*"))
        let dealer = try SocketThread(context: context, sockets: [
            SocketSpec(coordinator, .dealer, options: [.routingID("tcp-worker")], connect: [endpoint]),
        ])
        let guardTask = watchdog([router, dealer])
        defer { guardTask.cancel() }
        var fromWorkers = EventReader(router)
        let big = [UInt8](repeating: 0xab, count: 4 << 20)
        dealer.send([Array("ARTIFACT".utf8), big], on: coordinator)
        let (_, frames) = try #require(await fromWorkers.nextMessage())
        #expect(frames == [Array("tcp-worker".utf8), Array("ARTIFACT".utf8), big])
        await router.stop()
        await dealer.stop()
    }
}
