extension WireMessage {
    /// `READY`, worker → coordinator: how many more trials the worker can start now.
    /// Sent after `WELCOME` and whenever a slot frees; 0 only reports that it is full.
    public struct Ready: Hashable, Sendable, Codable {
        public var free: Int

        public init(free: Int) {
            self.free = free
        }
    }
}

extension WireMessage.Ready: CheckedHeader {
    init(header: JSONFields) throws(DecodeError) {
        self.init(free: try header.int("free"))
    }

    func writeHeader(to writer: inout JSONWriter) {
        writer.key("free")
        writer.int(free)
        writer.version()
    }

    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.range(free, 0 ... 1024, "free")
    }
}
