extension WireMessage {
    /// `WELCOME`, coordinator → worker: the `HELLO` was accepted; here are the timings.
    public struct Welcome: Hashable, Sendable, Codable {
        /// Changes every time a coordinator starts: a worker that sees a new one knows
        /// the coordinator restarted.
        public var coordinator: String
        /// The sweep's name.
        public var sweep: String
        /// Send a `HEARTBEAT` (or any message) at least this often, in milliseconds.
        public var heartbeatMs: Int
        /// A peer silent this long, in milliseconds, is dead.
        public var deadAfterMs: Int

        public init(coordinator: String, sweep: String,
                    heartbeatInterval: Duration = .seconds(1), deadAfter: Duration = .seconds(5)) {
            self.coordinator = coordinator
            self.sweep = sweep
            self.heartbeatMs = Self.milliseconds(heartbeatInterval)
            self.deadAfterMs = Self.milliseconds(deadAfter)
        }

        private static func milliseconds(_ duration: Duration) -> Int {
            let value = (duration / .milliseconds(1)).rounded()
            return value.isFinite ? Int(min(max(value, 0), Double(Int32.max))) : 0
        }

        public var heartbeatInterval: Duration { .milliseconds(heartbeatMs) }
        public var deadAfter: Duration { .milliseconds(deadAfterMs) }
    }
}

extension WireMessage.Welcome: CheckedHeader {
    init(header: JSONFields) throws(DecodeError) {
        coordinator = try header.string("coordinator")
        sweep = try header.string("sweep")
        heartbeatMs = try header.int("heartbeatMs")
        deadAfterMs = try header.int("deadAfterMs")
    }

    func writeHeader(to writer: inout JSONWriter) {
        writer.key("coordinator")
        writer.string(coordinator)
        writer.key("deadAfterMs")
        writer.int(deadAfterMs)
        writer.key("heartbeatMs")
        writer.int(heartbeatMs)
        writer.key("sweep")
        writer.string(sweep)
        writer.version()
    }

    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.identifier(coordinator, "coordinator")
        try check.identifier(sweep, "sweep")
        try check.range(heartbeatMs, 10 ... 3_600_000, "heartbeatMs")
        try check.range(deadAfterMs, heartbeatMs + 1 ... 36_000_000, "deadAfterMs")
    }
}
