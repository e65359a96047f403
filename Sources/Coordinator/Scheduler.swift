import SweepPlan

/// Decides which trial runs next and where; knows nothing of sockets or disks.
///
/// - A trial is *ready* when it is pending and its parent (and rewind source) are done.
/// - Workers pull: `assign(to:)` picks the ready trial with the longest chain of
///   trials still behind it (so long chains start first and the sweep ends sooner),
///   preferring, among the best few, one whose parent the worker ran itself (it
///   already holds the parent's artifacts).
/// - Each assignment is a lease with a new attempt number. A lease ends with a
///   result, a failure, or by lapsing (its worker died or left). After
///   `maxAttempts` attempts a trial fails for good and its dependants are skipped.
/// - A worker that failed `quarantineAfter` different trials without a success
///   in between is quarantined: it gets no more work. (One trial that fails
///   everywhere, bad data say, does not quarantine the workers that tried it.)
public struct Scheduler {
    public struct Configuration: Sendable {
        /// Attempts a trial gets before it is marked failed.
        public var maxAttempts: Int
        /// Different trials a worker may fail in a row (no success between) before it gets no more work.
        public var quarantineAfter: Int
        /// How many of the best ready trials are searched for one whose parent the worker holds.
        public var affinityWindow: Int

        public init(maxAttempts: Int = 3, quarantineAfter: Int = 3, affinityWindow: Int = 16) {
            self.maxAttempts = maxAttempts
            self.quarantineAfter = quarantineAfter
            self.affinityWindow = affinityWindow
        }
    }

    public enum State: String, Sendable { case pending, running, done, failed, skipped }

    public struct Lease: Hashable, Sendable {
        public var id: String
        public var trial: TrialID
        public var attempt: Int
        public var worker: String
    }

    /// What happened to a trial as a consequence of an event, for the journal.
    public enum Outcome: Sendable, Equatable {
        case requeued(TrialID, attempt: Int, error: String)
        case failed(TrialID, attempt: Int, error: String)
        case skipped(TrialID, reason: String)
        case quarantined(worker: String, failures: Int)
    }

    private struct Node {
        var position: Int
        var parent: TrialID?
        var rewindSource: TrialID?
        var children: [TrialID] = []
        var height = 1  // trials on the longest path from here to a leaf, itself included
        var state: State
        var attempts: Int
        var lastError: String?
        var ranOn: String?  // the worker that produced its artifacts
    }

    private struct WorkerState {
        /// Different trials failed since this worker's last success.
        var failedSinceSuccess: Set<TrialID> = []
        var quarantined = false
    }

    public let configuration: Configuration
    private var nodes: [TrialID: Node] = [:]
    private var ready = ReadyQueue()
    private var leases: [String: Lease] = [:]
    private var leasesByWorker: [String: Set<String>] = [:]
    private var leaseByTrial: [TrialID: String] = [:]
    private var workers: [String: WorkerState] = [:]
    private var nextLease = 0
    public private(set) var counts: [State: Int] = [:]

    /// `trials` in plan order (parents first), with the state and attempts the journal has.
    public init(trials: [(trial: PlannedTrial, state: State, attempts: Int)], configuration: Configuration = .init()) {
        self.configuration = configuration
        for (position, entry) in trials.enumerated() {
            nodes[entry.trial.id] = Node(position: position, parent: entry.trial.parent,
                                         rewindSource: entry.trial.rewindSource,
                                         state: entry.state == .running ? .pending : entry.state,
                                         attempts: entry.attempts)
        }
        for entry in trials {
            if let parent = entry.trial.parent { nodes[parent]?.children.append(entry.trial.id) }
        }
        // Heights, children before parents: the plan lists parents first.
        for entry in trials.reversed() {
            let id = entry.trial.id
            let height = 1 + (nodes[id]!.children.map { nodes[$0]!.height }.max() ?? 0)
            nodes[id]!.height = height
        }
        for (id, node) in nodes {
            counts[node.state, default: 0] += 1
            if node.state == .pending && isReady(id) { ready.push(id, height: node.height, position: node.position) }
        }
    }

    public func state(of id: TrialID) -> State? { nodes[id]?.state }
    public func attempts(of id: TrialID) -> Int { nodes[id]?.attempts ?? 0 }
    public var isFinished: Bool { (counts[.pending] ?? 0) == 0 && (counts[.running] ?? 0) == 0 }
    public var readyCount: Int { ready.count }
    public func lease(_ id: String) -> Lease? { leases[id] }
    public func leases(of worker: String) -> [Lease] { (leasesByWorker[worker] ?? []).compactMap { leases[$0] } }
    public func isQuarantined(_ worker: String) -> Bool { workers[worker]?.quarantined ?? false }

    /// Leases the best ready trial to `worker`, or nil when none is ready (or the worker is quarantined).
    public mutating func assign(to worker: String) -> Lease? {
        if workers[worker]?.quarantined == true { return nil }
        guard let id = ready.pop(preferring: { nodes[$0].flatMap(\.parent).flatMap { nodes[$0]?.ranOn } == worker },
                                  window: configuration.affinityWindow) else { return nil }
        nextLease += 1
        nodes[id]!.attempts += 1
        setState(id, .running)
        let lease = Lease(id: "L\(nextLease)", trial: id, attempt: nodes[id]!.attempts, worker: worker)
        leases[lease.id] = lease
        leasesByWorker[worker, default: []].insert(lease.id)
        leaseByTrial[id] = lease.id
        return lease
    }

    /// Takes over a lease a worker reports running after a coordinator restart.
    public mutating func adopt(trial id: TrialID, attempt: Int, worker: String, leaseID: String) -> Bool {
        guard let node = nodes[id], node.state == .pending, node.attempts == attempt, ready.remove(id) else { return false }
        setState(id, .running)
        let lease = Lease(id: leaseID, trial: id, attempt: attempt, worker: worker)
        leases[leaseID] = lease
        leasesByWorker[worker, default: []].insert(leaseID)
        leaseByTrial[id] = leaseID
        return true
    }

    /// A result for (trial, attempt). Returns false, changing nothing, when the
    /// trial is already done or the attempt is not the current one.
    public mutating func complete(_ id: TrialID, attempt: Int, worker: String) -> Bool {
        guard let node = nodes[id], node.state != .done, node.attempts == attempt,
              node.state == .running || node.state == .pending else { return false }
        endLease(trial: id)
        if node.state == .pending { _ = ready.remove(id) }
        nodes[id]!.ranOn = worker
        setState(id, .done)
        workers[worker, default: WorkerState()].failedSinceSuccess = []
        // A rewind source is always an ancestor, so children are all that can become ready.
        for child in node.children where nodes[child]?.state == .pending && isReady(child) {
            ready.push(child, height: nodes[child]!.height, position: nodes[child]!.position)
        }
        return true
    }

    /// An attempt failed. The trial goes back to the queue, or fails for good when
    /// attempts are used up or `retryable` is false, its dependants skipped.
    public mutating func fail(_ id: TrialID, attempt: Int, worker: String?, error: String,
                              retryable: Bool = true) -> [Outcome] {
        guard let node = nodes[id], node.attempts == attempt, node.state == .running else { return [] }
        endLease(trial: id)
        var outcomes: [Outcome] = []
        if let worker {
            var state = workers[worker, default: WorkerState()]
            state.failedSinceSuccess.insert(id)
            if state.failedSinceSuccess.count >= configuration.quarantineAfter && !state.quarantined {
                state.quarantined = true
                outcomes.append(.quarantined(worker: worker, failures: state.failedSinceSuccess.count))
            }
            workers[worker] = state
        }
        outcomes += retryOrFail(id, attempt: attempt, error: error, retryable: retryable)
        return outcomes
    }

    /// Every lease of `worker` lapses (it died or left).
    public mutating func lapse(worker: String, reason: String) -> [Outcome] {
        let outcomes = lapse(leases: leases(of: worker).map(\.id), reason: reason)
        leasesByWorker[worker] = nil
        return outcomes
    }

    /// These leases lapse: their trials go back to the queue, or fail for good when
    /// their attempts are used up. A lapse does not count toward quarantine: the
    /// worker died or lost track of the trial, it did not fail it.
    public mutating func lapse(leases ids: [String], reason: String) -> [Outcome] {
        var outcomes: [Outcome] = []
        for lease in ids.compactMap({ leases[$0] }) {
            guard nodes[lease.trial]?.state == .running else { continue }
            endLease(trial: lease.trial)
            outcomes += retryOrFail(lease.trial, attempt: lease.attempt, error: reason, retryable: true)
        }
        return outcomes
    }

    // MARK: Internals

    /// An attempt that ended without a result: back to the queue, or failed for good
    /// (its dependants skipped) when attempts are used up or retrying cannot help.
    private mutating func retryOrFail(_ id: TrialID, attempt: Int, error: String, retryable: Bool) -> [Outcome] {
        guard let node = nodes[id] else { return [] }
        nodes[id]!.lastError = error
        if retryable && node.attempts < configuration.maxAttempts {
            setState(id, .pending)
            ready.push(id, height: node.height, position: node.position)
            return [.requeued(id, attempt: attempt, error: error)]
        }
        setState(id, .failed)
        return [.failed(id, attempt: attempt, error: error)]
            + skipDependants(of: id, reason: "depends on \(id), which failed: \(error)")
    }

    private func isReady(_ id: TrialID) -> Bool {
        guard let node = nodes[id] else { return false }
        if let parent = node.parent, nodes[parent]?.state != .done { return false }
        if let source = node.rewindSource, nodes[source]?.state != .done { return false }
        return true
    }

    private mutating func skipDependants(of id: TrialID, reason: String) -> [Outcome] {
        var outcomes: [Outcome] = []
        var stack = nodes[id]?.children ?? []
        while let child = stack.popLast() {
            guard nodes[child]?.state == .pending else { continue }
            _ = ready.remove(child)
            setState(child, .skipped)
            outcomes.append(.skipped(child, reason: reason))
            stack += nodes[child]!.children
        }
        return outcomes
    }

    private mutating func endLease(trial: TrialID) {
        guard let leaseID = leaseByTrial.removeValue(forKey: trial), let lease = leases[leaseID] else { return }
        leases[lease.id] = nil
        leasesByWorker[lease.worker]?.remove(lease.id)
    }

    private mutating func setState(_ id: TrialID, _ state: State) {
        if let old = nodes[id]?.state { counts[old, default: 0] -= 1 }
        nodes[id]!.state = state
        counts[state, default: 0] += 1
    }
}
