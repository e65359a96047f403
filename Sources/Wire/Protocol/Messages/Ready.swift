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
    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.range(free, 0 ... 1024, "free")
    }
}
