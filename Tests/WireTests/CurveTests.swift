import Testing
import Wire

@Suite struct CurveTests {
    @Test func keyPairsAreZ85AndTheirPublicHalfCanBeDerived() throws {
        #expect(ZMQContext.supportsCurve)
        let pair = try CurveKeyPair.generate()
        #expect(pair.publicKey.z85.count == 40)
        #expect(pair.secretKey.bytes.count == 32)
        #expect(pair.publicKey != pair.secretKey)
        #expect(try CurveKeyPair(secretKey: pair.secretKey) == pair)
        #expect(CurveKey(bytes: pair.publicKey.bytes) == pair.publicKey)
        #expect(try CurveKeyPair.generate() != pair)
    }

    @Test func z85KnownVector() {
        // RFC 32's test vector: these 8 bytes are "HelloWorld".
        let key = CurveKey(bytes: [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B] + Array(repeating: 0, count: 24))
        #expect(key?.z85.hasPrefix("HelloWorld") == true)
        #expect(CurveKey(z85: "too short") == nil)
        #expect(CurveKey(z85: String(repeating: "~", count: 40)) == nil)
    }

    /// A CURVE server behind a ZAP handler lets in the authorized client and only it.
    @Test func zapHandlerAdmitsOnlyAuthorizedKeys() async throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let trusted = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        let workers: SocketID = "workers"
        let coordinator = try SocketThread(context: context, sockets: [
            .zapHandler { $0 == trusted.publicKey },
            SocketSpec(workers, .router,
                       options: [.curveServer(true), .curveSecretKey(server.secretKey), .zapDomain("lottery")],
                       bind: ["tcp://127.0.0.1:*"]),
        ])
        let endpoint = try #require(coordinator.endpoints[workers])
        func client(_ name: String, _ keys: CurveKeyPair, monitor: ConnectionEvents = []) throws -> SocketThread {
            try SocketThread(context: context, sockets: [
                SocketSpec("up", .dealer, options: [
                    .routingID(name), .curveServerKey(server.publicKey),
                    .curvePublicKey(keys.publicKey), .curveSecretKey(keys.secretKey),
                ], connect: [endpoint], monitor: monitor),
            ])
        }
        let bad = try client("stranger", stranger, monitor: .handshakes)
        let good = try client("trusted", trusted)
        let guardTask = watchdog([coordinator, bad, good])
        defer { guardTask.cancel() }
        var events = EventReader(coordinator)

        bad.send(try WireMessage.heartbeat.frames(), on: "up")
        good.send(try WireMessage.heartbeat.frames(), on: "up")
        let (_, first) = try #require(await events.nextMessage())
        #expect(first[0] == Array("trusted".utf8))

        // Once the stranger has seen its handshake refused, nothing of it has come through.
        var strangerEvents = EventReader(bad)
        var refusal: ConnectionEvent?
        while refusal == nil, let event = await strangerEvents.next() {
            if case .connection("up", let connection) = event { refusal = connection }
        }
        #expect(refusal == .authenticationFailed(endpoint: endpoint, status: 400))
        good.send(try WireMessage.bye.frames(), on: "up")
        let (_, second) = try #require(await events.nextMessage())
        #expect(second[0] == Array("trusted".utf8))
        #expect(try WireMessage(frames: Array(second.dropFirst())) == .bye)

        await bad.stop()
        await good.stop()
        await coordinator.stop()
    }

    /// What a client's socket monitor says about each way its handshake with a CURVE
    /// server (behind a ZAP handler) can go.
    @Test func aMonitoredClientSeesHowItsHandshakeEnded() async throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let trusted = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        let coordinator = try SocketThread(context: context, sockets: [
            .zapHandler { $0 == trusted.publicKey },
            SocketSpec("workers", .router,
                       options: [.curveServer(true), .curveSecretKey(server.secretKey), .zapDomain("lottery")],
                       bind: ["tcp://127.0.0.1:*"]),
        ])
        let endpoint = try #require(coordinator.endpoints["workers"])
        /// The first handshake event of a client with these options.
        func handshake(_ options: [SocketOption]) async throws -> ConnectionEvent? {
            let client = try SocketThread(context: context, sockets: [
                SocketSpec("up", .dealer, options: options, connect: [endpoint], monitor: .handshakes),
            ])
            let guardTask = watchdog([client])
            defer { guardTask.cancel() }
            var events = EventReader(client)
            defer { client.requestStop() }
            while let event = await events.next() {
                if case .connection("up", let connection) = event { return connection }
            }
            return nil
        }
        func curve(_ keys: CurveKeyPair, server serverKey: CurveKey = server.publicKey) -> [SocketOption] {
            [.curveServerKey(serverKey), .curvePublicKey(keys.publicKey), .curveSecretKey(keys.secretKey)]
        }

        #expect(try await handshake(curve(trusted)) == .handshakeSucceeded(endpoint: endpoint))
        // The ZAP handler's 400 reaches the client as a refusal.
        #expect(try await handshake(curve(stranger)) == .authenticationFailed(endpoint: endpoint, status: 400))
        // No CURVE on the client: the mechanisms do not match.
        guard case .protocolFailed(endpoint, let error) = try await handshake([]) else {
            Issue.record("a client without CURVE did not see a protocol failure")
            return
        }
        #expect(error.isMechanismMismatch)
        // The wrong server key: the server cannot read the client's HELLO and hangs up.
        guard case .handshakeFailed(endpoint, _) = try await handshake(curve(trusted, server: stranger.publicKey)) else {
            Issue.record("a client with the wrong server key did not see its handshake fail")
            return
        }
        await coordinator.stop()
    }
}
