import LotteryCore
import Wire

/// A worker the coordinator knows: said HELLO and was welcomed.
struct ConnectedWorker {
    let peer: PeerID
    /// The routing id as text: unique per worker process, the scheduler's name for it.
    let id: String
    let name: String
    let host: String
    let slots: Int
    let threads: Int
    /// Slots the worker last said were free, minus what was assigned since.
    var free = 0
    var lastHeard: ContinuousClock.Instant
    var lastHeartbeat: ContinuousClock.Instant
    /// Artifacts it holds (sent to it, or made by it), so they go by digest.
    var holds: Set<SHA256Digest> = []
}

/// A metric point's place in a learning curve: what makes it distinct.
struct CurvePoint: Hashable {
    let iteration: Int
    let split: Split

    init(_ evaluation: Evaluation) {
        iteration = evaluation.iteration
        split = evaluation.split
    }
}
