/// What a poll asks about, or found, for one socket.
public struct PollEvents: OptionSet, Hashable, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    /// A message can be received without waiting.
    public static let readable = PollEvents(rawValue: LibZMQ.pollIn)
    /// A message can be sent without waiting (for a ROUTER: to at least one peer).
    public static let writable = PollEvents(rawValue: LibZMQ.pollOut)
}

/// One socket and the events a poll waits for on it.
public struct PollItem {
    public let socket: Socket
    public var events: PollEvents

    public init(_ socket: Socket, events: PollEvents = .readable) {
        self.socket = socket
        self.events = events
    }
}

extension Socket {
    /// Waits until one of `items` has one of its events, or `timeout` passes (nil = no
    /// limit, `.zero` = just look). Returns the events found, in the order of `items`;
    /// all empty after a timeout or an interrupting signal.
    public static func poll(_ items: [PollItem], timeout: Duration?) throws(WireError) -> [PollEvents] {
        var pollItems: [LibZMQ.PollItem] = []
        pollItems.reserveCapacity(items.count)
        for item in items {
            pollItems.append(LibZMQ.pollItem(try item.socket.liveHandle("poll"), events: item.events.rawValue))
        }
        let found = try LibZMQ.poll(&pollItems, timeout: timeout.map(Self.pollMilliseconds) ?? -1)
        if found == 0 { return Array(repeating: [], count: items.count) }
        return pollItems.map { PollEvents(rawValue: $0.revents).intersection([.readable, .writable]) }
    }

    /// Rounds up, so that a positive timeout never becomes "just look".
    private static func pollMilliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let whole = seconds.multipliedReportingOverflow(by: 1000)
        if whole.overflow || whole.partialValue > Int64(Int32.max) { return Int(Int32.max) }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(whole.partialValue + fraction)
    }
}
