@testable import Coordinator
import Testing
import Wire

/// At most one rejection a second per peer, in bounded memory.
struct RejectionLimiterTests {
    private let start = ContinuousClock.now
    private let a = PeerID(Array("a".utf8))
    private let b = PeerID(Array("b".utf8))
    private let c = PeerID(Array("c".utf8))

    /// Asks `limiter` about each (peer, milliseconds after `start`) in turn.
    private func answers(_ limiter: inout RejectionLimiter, _ asks: [(PeerID, Int)]) -> [Bool] {
        asks.map { limiter.allows($0.0, at: start + .milliseconds($0.1)) }
    }

    @Test func oncePerIntervalPerPeer() {
        var limiter = RejectionLimiter()
        let asked = answers(&limiter, [(a, 0), (a, 10), (a, 999), (b, 999), (a, 1_000), (a, 1_500)])
        #expect(asked == [true, false, false, true, true, false])
    }

    @Test func quietPeersAreForgotten() {
        var limiter = RejectionLimiter()
        let many = answers(&limiter, (0 ..< 100).map { (PeerID([UInt8($0)]), 0) })
        #expect(many.allSatisfy { $0 })
        #expect(limiter.count == 100)
        #expect(answers(&limiter, [(a, 2_000)]) == [true])
        #expect(limiter.count == 1)
    }

    @Test func atCapacityNewPeersWaitUntilSomeAreForgotten() {
        var limiter = RejectionLimiter(capacity: 2)
        #expect(answers(&limiter, [(a, 0), (b, 0), (c, 500)]) == [true, true, false])
        #expect(limiter.count == 2)
        #expect(answers(&limiter, [(c, 1_500)]) == [true])
    }
}
