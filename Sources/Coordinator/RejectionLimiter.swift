import Wire

/// At most one `REJECT` a second per peer, for the rejections a peer can provoke as fast
/// as it can send (a `HELLO` of another protocol version, or one that cannot be decoded):
/// a peer that keeps sending them must not make the coordinator send as many back.
///
/// Memory stays bounded: peers not rejected within the last interval are forgotten (at
/// most once an interval, so the check stays O(1) per message), and at most `capacity`
/// peers are remembered; beyond that a new peer is not answered until some are forgotten.
struct RejectionLimiter {
    let interval: Duration
    let capacity: Int
    private var lastSent: [PeerID: ContinuousClock.Instant] = [:]
    private var lastPruned: ContinuousClock.Instant?

    init(interval: Duration = .seconds(1), capacity: Int = 4096) {
        self.interval = interval
        self.capacity = capacity
    }

    /// Peers remembered now.
    var count: Int { lastSent.count }

    /// True when `peer` may be sent a rejection at `now`, which is then counted as sent.
    mutating func allows(_ peer: PeerID, at now: ContinuousClock.Instant = .now) -> Bool {
        prune(at: now)
        if let last = lastSent[peer], now - last < interval { return false }
        guard lastSent[peer] != nil || lastSent.count < capacity else { return false }
        lastSent[peer] = now
        return true
    }

    private mutating func prune(at now: ContinuousClock.Instant) {
        if let lastPruned, now - lastPruned < interval { return }
        lastPruned = now
        lastSent = lastSent.filter { now - $0.value < interval }
    }
}
