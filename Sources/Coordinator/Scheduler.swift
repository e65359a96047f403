import LotteryCore

/// Decides which trial runs next and where; knows nothing of sockets or disks.
///
/// - A trial is *ready* when it is pending and its parent (and rewind source) are done.
/// - Workers pull: `assign(to:)` picks the ready trial with the longest chain of
///   trials still behind it (so long chains start first and the sweep ends sooner),
///   preferring, among the best few, one whose parent the worker ran itself (it
///   already holds the parent's artifacts).
/// - Each assignment is a lease with a new attempt number and an unguessable id: only
///   the worker it was sent to can finish it. A lease ends with a result, a failure,
///   or by lapsing (its worker died or left). After `maxAttempts` failures a trial
///   fails for good and its dependants are skipped. A lapse is not the trial's fault
///   and is counted apart, against the larger `maxLapses`, which only stops a trial
///   that takes down every worker it runs on.
/// - A worker that failed `quarantineAfter` different trials without a success
///   in between is quarantined: it gets no more work. (One trial that fails
///   everywhere, bad data say, does not quarantine the workers that tried it.)
public struct Scheduler {
    public struct Configuration: Sendable {
        /// Failed attempts (`FAILED` from its worker) a trial gets before it is marked failed.
        public var maxAttempts: Int
        /// Attempts lost with their worker (it died, left or forgot the lease) before the
        /// trial is marked failed: only a trial that kills every worker it runs on gets there.
        public var maxLapses: Int
        /// Different trials a worker may fail in a row (no success between) before it gets no more work.
        public var quarantineAfter: Int
        /// How many of the best ready trials are searched for one whose parent the worker holds.
        public var affinityWindow: Int

        public init(maxAttempts: Int = 3, maxLapses: Int = 10, quarantineAfter: Int = 3, affinityWindow: Int = 16) {
            self.maxAttempts = maxAttempts
            self.maxLapses = maxLapses
            self.quarantineAfter = quarantineAfter
            self.affinityWindow = affinityWindow
        }
    }

    public struct Lease: Hashable, Sendable {
        /// `L` and 32 random hex digits (128 bits): a peer cannot guess another's lease.
        public var id: String
        public var trial: TrialID
        public var attempt: Int
        public var worker: String
    }

    /// What happened to a trial as a consequence of an event, for the journal.
    public enum Outcome: Sendable, Equatable {
        /// The attempt failed on its worker; the trial is queued again.
        case requeued(TrialID, attempt: Int, error: String)
        /// The attempt was lost with its worker; the trial is queued again.
        case lapsed(TrialID, attempt: Int, reason: String)
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
        var state: TrialState
        var attempts: Int
        /// This coordinator's count of failed and of lapsed attempts (the journal keeps
        /// the attempt numbers; a restarted coordinator counts afresh).
        var failures = 0
        var lapses = 0
        /// The lease of the last attempt while the trial waits after it lapsed (or the
        /// coordinator restarted): its worker may come back and say it still runs it.
        var resumableLease: String?
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
    private var random = SystemRandomNumberGenerator()
    public private(set) var counts: [TrialState: Int] = [:]

    /// `trials` in plan order (parents first), with the state and attempts the journal has,
    /// and for a trial that was running, the id of its lease (its worker may say it still runs it).
    public init(trials: [(trial: PlannedTrial, state: TrialState, attempts: Int)], leases: [TrialID: String] = [:],
                configuration: Configuration = .init()) {
        self.configuration = configuration
        for (position, entry) in trials.enumerated() {
            let state = entry.state == .running ? .pending : entry.state
            nodes[entry.trial.id] = Node(position: position, parent: entry.trial.parent,
                                         rewindSource: entry.trial.rewindSource, state: state, attempts: entry.attempts,
                                         resumableLease: state == .pending ? leases[entry.trial.id] : nil)
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

    public func state(of id: TrialID) -> TrialState? { nodes[id]?.state }
    public func attempts(of id: TrialID) -> Int { nodes[id]?.attempts ?? 0 }
    public var isFinished: Bool { (counts[.pending] ?? 0) == 0 && (counts[.running] ?? 0) == 0 }
    public var readyCount: Int { ready.count }
    public func lease(_ id: String) -> Lease? { leases[id] }
    /// Whether `worker` holds lease `id` for this attempt of this trial: the check before
    /// anything it sends about the trial counts.
    public func holds(_ worker: String, lease id: String, trial: TrialID, attempt: Int) -> Bool {
        guard let lease = leases[id] else { return false }
        return lease.worker == worker && lease.trial == trial && lease.attempt == attempt
    }
    /// Whether this attempt of the trial is the one that finished it, on `worker`: a
    /// repeated result, to be acknowledged again.
    public func finished(_ id: TrialID, attempt: Int, on worker: String) -> Bool {
        guard let node = nodes[id] else { return false }
        return node.state == .done && node.attempts == attempt && node.ranOn == worker
    }
    public func leases(of worker: String) -> [Lease] { (leasesByWorker[worker] ?? []).compactMap { leases[$0] } }
    public func isQuarantined(_ worker: String) -> Bool { workers[worker]?.quarantined ?? false }

    /// Leases the best ready trial to `worker`, or nil when none is ready (or the worker is quarantined).
    public mutating func assign(to worker: String) -> Lease? {
        if workers[worker]?.quarantined == true { return nil }
        guard let id = ready.pop(preferring: { nodes[$0].flatMap(\.parent).flatMap { nodes[$0]?.ranOn } == worker },
                                  window: configuration.affinityWindow) else { return nil }
        nodes[id]!.attempts += 1
        nodes[id]!.resumableLease = nil
        setState(id, .running)
        let bits = (random.next() as UInt64, random.next() as UInt64)
        let hex = String(bits.0, radix: 16).leftPadded(to: 16) + String(bits.1, radix: 16).leftPadded(to: 16)
        let lease = Lease(id: "L" + hex, trial: id, attempt: nodes[id]!.attempts, worker: worker)
        leases[lease.id] = lease
        leasesByWorker[worker, default: []].insert(lease.id)
        leaseByTrial[id] = lease.id
        return lease
    }

    /// Takes back a lease a worker says it still holds (after a coordinator restart, or
    /// when the worker was presumed dead): only the last attempt's lease, by its id, and
    /// only while the trial waits (it was not handed to another worker since).
    public mutating func adopt(trial id: TrialID, attempt: Int, worker: String, leaseID: String) -> Bool {
        guard let node = nodes[id], node.state == .pending, node.attempts == attempt,
              node.resumableLease == nil || node.resumableLease == leaseID, ready.remove(id) else { return false }
        nodes[id]!.resumableLease = nil
        setState(id, .running)
        let lease = Lease(id: leaseID, trial: id, attempt: attempt, worker: worker)
        leases[leaseID] = lease
        leasesByWorker[worker, default: []].insert(leaseID)
        leaseByTrial[id] = leaseID
        return true
    }

    /// A result for (trial, attempt) from `worker`. Returns false, changing nothing,
    /// unless the trial runs under that attempt's lease on that worker.
    public mutating func complete(_ id: TrialID, attempt: Int, worker: String) -> Bool {
        guard let node = nodes[id], node.state == .running, node.attempts == attempt,
              let leaseID = leaseByTrial[id], leases[leaseID]?.worker == worker else { return false }
        endLease(trial: id)
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
        nodes[id]!.failures += 1
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
        let failures = nodes[id]!.failures
        if retryable && failures < configuration.maxAttempts {
            requeue(id)
            outcomes.append(.requeued(id, attempt: attempt, error: error))
        } else {
            outcomes += failForGood(id, attempt: attempt, error: error)
        }
        return outcomes
    }

    /// Every lease of `worker` lapses (it died or left).
    public mutating func lapse(worker: String, reason: String) -> [Outcome] {
        let outcomes = lapse(leases: leases(of: worker).map(\.id), reason: reason)
        leasesByWorker[worker] = nil
        return outcomes
    }

    /// These leases lapse: their trials go back to the queue (the worker may still come
    /// back and take its lease up again), or fail for good after `maxLapses`. A lapse
    /// counts neither as the trial's failure nor toward quarantine: the worker died or
    /// lost track of the trial, it did not fail it.
    public mutating func lapse(leases ids: [String], reason: String) -> [Outcome] {
        var outcomes: [Outcome] = []
        for lease in ids.compactMap({ leases[$0] }) {
            guard nodes[lease.trial]?.state == .running else { continue }
            endLease(trial: lease.trial)
            nodes[lease.trial]!.lapses += 1
            let lapses = nodes[lease.trial]!.lapses
            if lapses < configuration.maxLapses {
                requeue(lease.trial)
                nodes[lease.trial]!.resumableLease = lease.id
                outcomes.append(.lapsed(lease.trial, attempt: lease.attempt, reason: reason))
            } else {
                outcomes += failForGood(lease.trial, attempt: lease.attempt,
                                        error: "lost with its worker \(lapses) times; the last: \(reason)")
            }
        }
        return outcomes
    }

    // MARK: Internals

    private mutating func requeue(_ id: TrialID) {
        guard let node = nodes[id] else { return }
        setState(id, .pending)
        ready.push(id, height: node.height, position: node.position)
    }

    /// The trial fails for good; its dependants are skipped.
    private mutating func failForGood(_ id: TrialID, attempt: Int, error: String) -> [Outcome] {
        nodes[id]!.lastError = error
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

    private mutating func setState(_ id: TrialID, _ state: TrialState) {
        if let old = nodes[id]?.state { counts[old, default: 0] -= 1 }
        nodes[id]!.state = state
        counts[state, default: 0] += 1
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
