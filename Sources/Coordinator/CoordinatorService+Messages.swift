import CMalloc
import Foundation
import Journal
import LotteryCore
import Wire

extension CoordinatorService {
    /// One message from a worker: decoded, checked, acted on. Nothing a worker
    /// sends can stop the coordinator: bad messages are dropped and counted.
    func receive(_ routed: [[UInt8]]) {
        guard let (peer, frames) = PeerID.split(routed) else {
            count("no-peer")
            return
        }
        let message: WireMessage
        do {
            message = try WireMessage(frames: frames)
        } catch {
            count(error.reason)
            answerUndecodable(error, from: peer)
            return
        }
        if case .hello(let hello) = message {
            welcome(peer, hello)
            return
        }
        guard var worker = workers[peer] else {
            if case .bye = message { return }
            count("unknown-worker")
            send(peer, .reject(.init(reason: .unknownWorker, detail: "say HELLO first")))
            return
        }
        worker.lastHeard = .now
        workers[peer] = worker
        switch message {
        case .ready(let ready):
            workers[peer]?.free = ready.free
            if ready.free > 0 {
                hungry.insert(peer)
                dispatch()
            } else {
                hungry.remove(peer)
            }
        case .fetch(let request):
            var found: [Artifact] = []
            var missing: [SHA256Digest] = []
            for digest in request.sha256 {
                if let bytes = try? store.get(digest.hex), let artifact = artifact(bytes: bytes, digest: digest) {
                    found.append(artifact)
                    workers[peer]?.holds.insert(digest)
                } else {
                    missing.append(digest)
                }
            }
            send(peer, .artifacts(.init(artifacts: found, missing: missing)))
        case .metrics(let batch):
            guard let id = TrialID(batch.trial),
                  scheduler.holds(worker.id, lease: batch.lease, trial: id, attempt: batch.attempt) else {
                count("stale-metrics")
                return
            }
            // Points come again after a reconnect: only new ones are counted and written.
            var fresh: [Evaluation] = []
            for point in batch.points where curves[batch.lease, default: []].insert(CurvePoint(point)).inserted {
                fresh.append(point)
            }
            guard !fresh.isEmpty else { return }
            pendingWrites.append { try $0.recordMetrics(id, attempt: batch.attempt, fresh) }
            progress.metrics(fresh.count)
        case .result(let result):
            handleResult(result, from: worker)
        case .failed(let failure):
            handleFailure(failure, from: worker)
        case .bye:
            logger.info("worker \(worker.id) is leaving")
            forget(peer, reason: "worker \(worker.id) left")
        case .heartbeat:
            break
        default:
            count("wrong-direction")
        }
    }

    private func welcome(_ peer: PeerID, _ hello: WireMessage.Hello) {
        // Data first: a worker whose data differs from the sweep's never gets a trial.
        let needed = neededDatasets
        for name in needed.sorted() {
            guard let theirs = hello.fingerprint(of: name) else { continue }
            if let expected = expectedFingerprints[name] {
                if let mismatch = DatasetMismatch(dataset: name, location: hello.host.isEmpty ? hello.worker : hello.host,
                                                  expected: expected, found: theirs) {
                    reject(peer, hello, .datasetDiffers, detail: mismatch.description)
                    return
                }
                if expected.files.isEmpty && !theirs.files.isEmpty {
                    // Learned from a worker that did not report its files: these are the same data.
                    learn(theirs, of: name)
                }
            } else {
                learn(theirs, of: name)
            }
        }
        if needed.allSatisfy({ expectedFingerprints[$0] != nil }) && needed.isDisjoint(with: hello.datasets.keys) {
            let detail = "the sweep needs \(needed.sorted().joined(separator: ", ")); this worker holds "
                + (hello.datasets.isEmpty ? "none" : hello.datasets.keys.sorted().joined(separator: ", "))
            reject(peer, hello, .unknownDataset, detail: detail)
            return
        }
        let id = peer.description
        if workers[peer] != nil {
            // Said hello again: its leases not listed as running are lost.
            let listed = Set(hello.running.map(\.lease))
            let lost = scheduler.leases(of: id).map(\.id).filter { !listed.contains($0) }
            for lease in lost { curves[lease] = nil }
            apply(scheduler.lapse(leases: lost, reason: "worker \(id) said hello again without it"), worker: id)
        }
        let now = ContinuousClock.now
        workers[peer] = ConnectedWorker(peer: peer, id: id, name: hello.worker, host: hello.host, slots: hello.slots,
                                        threads: hello.threads, lastHeard: now, lastHeartbeat: now)
        hungry.remove(peer)
        logger.info("worker \(id) joined from \(hello.host.isEmpty ? "?" : hello.host): \(hello.slots) slots × \(hello.threads) threads")
        pendingWrites.append { [coordinatorID] in
            try $0.event(at: Date().timeIntervalSince1970, kind: "worker-joined", worker: id,
                         message: "host \(hello.host), \(hello.slots) slots, \(hello.threads) threads, coordinator \(coordinatorID)")
        }
        send(peer, .welcome(.init(coordinator: coordinatorID, sweep: sweep.name,
                                  heartbeatInterval: configuration.heartbeat, deadAfter: configuration.deadAfter)))
        for running in hello.running {
            guard let trial = TrialID(running.trial),
                  scheduler.adopt(trial: trial, attempt: running.attempt, worker: id, leaseID: running.lease) else {
                send(peer, .cancel(.init(lease: running.lease, trial: running.trial, attempt: running.attempt,
                                         reason: "this coordinator does not hold that lease")))
                continue
            }
            let attempt = running.attempt
            pendingWrites.append {
                try $0.recordAssignment(trial, attempt: attempt, worker: id, lease: running.lease, at: Date().timeIntervalSince1970)
            }
            logger.info("adopted the running lease of \(trial) (attempt \(attempt)) on \(id)")
        }
    }

    /// The sweep expects this dataset's data from now on, in this run and after a restart.
    private func learn(_ fingerprint: DatasetFingerprint, of name: String) {
        expectedFingerprints[name] = fingerprint
        pendingWrites.append { try CoordinatorService.journal(fingerprint, of: name, in: $0) }
    }

    /// Turns a worker away for good: the log, the journal (for `lottery status`) and the
    /// worker's `REJECT` all say why.
    private func reject(_ peer: PeerID, _ hello: WireMessage.Hello, _ reason: RejectReason, detail: String) {
        logger.error("rejected worker \(hello.worker) (\(peer)): \(detail)")
        if rejectionsJournaled < 100 {
            rejectionsJournaled += 1
            let worker = peer.description
            pendingWrites.append {
                try $0.event(at: Date().timeIntervalSince1970, kind: "worker-rejected", worker: worker, message: "\(reason): \(detail)")
            }
        }
        send(peer, .reject(.init(reason: reason, detail: detail)))
    }

    private func handleResult(_ result: WireMessage.TrialResult, from worker: ConnectedWorker) {
        let acknowledgement = WireMessage.ack(result.trialAttempt)
        guard let id = TrialID(result.trial), trials[id] != nil else {
            count("unknown-trial")
            void(result.lease, result.trialAttempt, to: worker.peer, "this sweep has no trial \(result.trial)")
            return
        }
        if scheduler.finished(id, attempt: result.attempt, on: worker.id) {
            // Journaled already; the acknowledgement was lost.
            count("duplicate-result")
            afterCommit.append((worker.peer, acknowledgement))
            return
        }
        guard scheduler.holds(worker.id, lease: result.lease, trial: id, attempt: result.attempt) else {
            count("not-lease-holder")
            void(result.lease, result.trialAttempt, to: worker.peer, "this worker does not hold that lease")
            return
        }
        if let trial = trials[id], refuseIfInvalid(result, of: trial, from: worker) { return }
        if let promised = result.points, curves[result.lease, default: []].count < promised {
            // Some points were lost on the way (a reconnect): the worker sends its whole
            // curve again before it resends the result.
            count("incomplete-curve")
            let arrived = curves[result.lease]?.count ?? 0
            logger.info("the result of \(id) (attempt \(result.attempt)) waits for its learning curve: \(arrived) of \(promised) points arrived")
            return
        }
        // Artifacts reach the disk before the journal names them.
        var stored: [(role: String, sha256: String, kind: String, size: Int)] = []
        do {
            for (role, artifact) in result.artifacts.sorted(by: { $0.key < $1.key }) {
                try store.put(artifact.bytes, digest: artifact.sha256.hex)
                stored.append((role.rawValue, artifact.sha256.hex, artifact.kind.rawValue, artifact.bytes.count))
                workers[worker.peer]?.holds.insert(artifact.sha256)
            }
        } catch {
            // Not acknowledged: the worker sends it again.
            logger.error("cannot store the artifacts of \(id): \(error)")
            return
        }
        if scheduler.complete(id, attempt: result.attempt, worker: worker.id) {
            curves[result.lease] = nil
            artifactsOf[id] = result.artifacts.mapValues(\.sha256)
            for artifact in result.artifacts.values { artifactKinds[artifact.sha256] = artifact.kind }
            let summary = result.summary
            let attempt = result.attempt
            let workerID = worker.id
            pendingWrites.append {
                _ = try $0.recordResult(id, attempt: attempt, worker: workerID, summary: summary, artifacts: stored,
                                        at: Date().timeIntervalSince1970)
            }
            progress.finished(id, summary: summary, plan: plan)
            dispatch()
        } else {
            count("duplicate-result")
        }
        afterCommit.append((worker.peer, acknowledgement))
    }

    private func handleFailure(_ failure: WireMessage.TrialFailure, from worker: ConnectedWorker) {
        guard let id = TrialID(failure.trial), trials[id] != nil else {
            count("unknown-trial")
            void(failure.lease, failure.trialAttempt, to: worker.peer, "this sweep has no trial \(failure.trial)")
            return
        }
        guard scheduler.holds(worker.id, lease: failure.lease, trial: id, attempt: failure.attempt) else {
            // Also a failure repeated after its ACK was lost: the lease ended with it.
            count("not-lease-holder")
            void(failure.lease, failure.trialAttempt, to: worker.peer, "this worker does not hold that lease")
            return
        }
        curves[failure.lease] = nil
        afterCommit.append((worker.peer, .ack(failure.trialAttempt)))
        apply(scheduler.fail(id, attempt: failure.attempt, worker: worker.id, error: failure.error,
                             retryable: failure.retryable), worker: worker.id)
        dispatch()
    }

    /// Tells a worker that a lease it reports on is void: nothing it sends for it will
    /// count, so it stops the trial and forgets its result.
    private func void(_ lease: String, _ attempt: TrialAttempt, to peer: PeerID, _ reason: String) {
        send(peer, .cancel(.init(lease: lease, trial: attempt.trial, attempt: attempt.attempt, reason: reason)))
    }

    /// Journals what the scheduler decided.
    func apply(_ outcomes: [Scheduler.Outcome], worker: String? = nil) {
        for outcome in outcomes {
            switch outcome {
            case .requeued(let id, let attempt, let error):
                logger.warning("trial \(id) attempt \(attempt) failed (\(error)); it will be tried again")
                pendingWrites.append { try $0.recordFailure(id, attempt: attempt, worker: worker, error: error, final: false, at: Date().timeIntervalSince1970) }
            case .lapsed(let id, let attempt, let reason):
                logger.info("trial \(id) attempt \(attempt) lapsed (\(reason)); it goes back to the queue")
                pendingWrites.append { try $0.recordLapse(id, attempt: attempt, worker: worker, reason: reason, at: Date().timeIntervalSince1970) }
            case .failed(let id, let attempt, let error):
                logger.error("trial \(id) failed after \(attempt) attempts: \(error)")
                pendingWrites.append { try $0.recordFailure(id, attempt: attempt, worker: worker, error: error, final: true, at: Date().timeIntervalSince1970) }
                progress.failed(id)
            case .skipped(let id, let reason):
                pendingWrites.append { try $0.recordSkipped(id, reason: reason, at: Date().timeIntervalSince1970) }
            case .quarantined(let worker, let failures):
                logger.error("worker \(worker) failed \(failures) different trials in a row; it is quarantined and gets no more work")
                pendingWrites.append { try $0.event(at: Date().timeIntervalSince1970, kind: "quarantined", worker: worker,
                                                   message: "\(failures) different trials failed in a row") }
            }
        }
    }

    /// Hands ready trials to workers with free slots that were heard from lately (a worker
    /// silent for two heartbeats may be gone: it gets nothing new until it speaks).
    func dispatch() {
        guard scheduler.readyCount > 0 else { return }
        let heardSince = ContinuousClock.now - assignmentWindow
        for peer in hungry {
            guard scheduler.readyCount > 0 else { return }
            if (workers[peer]?.free ?? 0) <= 0 {
                hungry.remove(peer)
                continue
            }
            while let worker = workers[peer], worker.free > 0, worker.lastHeard >= heardSince,
                  let lease = scheduler.assign(to: worker.id) {
                guard let trial = trials[lease.trial] else { continue }
                var attachments: [ArtifactRole: WireMessage.Attachment] = [:]
                var problem: String? = nil
                func attach(_ role: ArtifactRole, from source: TrialID?, artifact made: ArtifactRole) {
                    guard let source else { return }
                    guard let digest = artifactsOf[source]?[made] else {
                        problem = "trial \(source) has no \(made.rawValue) artifact"
                        return
                    }
                    if worker.holds.contains(digest) {
                        attachments[role] = .byDigest(ArtifactReference(kind: role.kind, sha256: digest,
                                                                          size: storedSize(digest)))
                    } else if let bytes = try? store.get(digest.hex), let artifact = artifact(bytes: bytes, digest: digest) {
                        attachments[role] = .inline(artifact)
                        workers[peer]?.holds.insert(digest)
                    } else {
                        problem = "artifact \(digest.hex) of \(source) is missing from \(store.folder)"
                    }
                }
                switch trial.recipe.start {
                case .dense: break
                case .prune:
                    attach(.parentMask, from: trial.parent, artifact: .mask)
                    attach(.parentWeights, from: trial.parent, artifact: .finalWeights)
                case .control:
                    attach(.parentMask, from: trial.parent, artifact: .mask)
                }
                if case .rewind = trial.recipe.reset {
                    attach(.rewindWeights, from: trial.rewindSource, artifact: .rewindWeights)
                }
                if let problem {
                    apply(scheduler.fail(lease.trial, attempt: lease.attempt, worker: nil, error: problem, retryable: false))
                    continue
                }
                workers[peer]?.free -= 1
                if worker.free == 1 { hungry.remove(peer) }
                let workerID = worker.id
                pendingWrites.append { try $0.recordAssignment(lease.trial, attempt: lease.attempt, worker: workerID,
                                                               lease: lease.id, at: Date().timeIntervalSince1970) }
                send(peer, .assign(.init(lease: lease.id, trial: lease.trial.rawValue, attempt: lease.attempt,
                                         recipe: trial.recipe, artifacts: attachments)))
            }
        }
    }

    /// Workers silent past the liveness window lose their leases. All of them go first,
    /// then their trials are handed out: never to one of them.
    func checkLiveness() {
        let now = ContinuousClock.now
        let dead = workers.filter { now - $0.value.lastHeard > configuration.deadAfter }.keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        if dead.count > 1 { logger.warning("\(dead.count) workers silent for \(configuration.deadAfter) at once") }
        for peer in dead {
            guard let worker = workers[peer] else { continue }
            if dead.count <= 10 {
                logger.warning("worker \(worker.id) silent for \(configuration.deadAfter); its leases go back to the queue")
            }
            forget(peer, reason: "worker \(worker.id) was silent for \(configuration.deadAfter)", dispatching: false)
        }
        if !dead.isEmpty { dispatch() }
        if dead.count >= 100 {
            // The buffers of that many connections went back to malloc, which keeps them
            // from the system unless asked: without this, each storm of workers that join
            // and vanish leaves the coordinator larger.
            malloc_trim(0)
        }
        if !workers.isEmpty, workers.values.allSatisfy({ scheduler.isQuarantined($0.id) }), scheduler.readyCount > 0 {
            progress.stalled("every connected worker is quarantined; start healthy workers or stop the sweep")
        }
    }

    func sendHeartbeats() {
        let now = ContinuousClock.now
        for (peer, worker) in workers where now - worker.lastHeartbeat >= configuration.heartbeat {
            send(peer, .heartbeat)
            workers[peer]?.lastHeartbeat = now
        }
    }

    private func forget(_ peer: PeerID, reason: String, dispatching: Bool = true) {
        guard let worker = workers.removeValue(forKey: peer) else { return }
        hungry.remove(peer)
        for lease in scheduler.leases(of: worker.id) { curves[lease.id] = nil }
        apply(scheduler.lapse(worker: worker.id, reason: reason), worker: worker.id)
        pendingWrites.append { try $0.event(at: Date().timeIntervalSince1970, kind: "worker-lost", worker: worker.id, message: reason) }
        if dispatching { dispatch() }
    }

    private func artifact(bytes: [UInt8], digest: SHA256Digest) -> Artifact? {
        // The store wrote these bytes under their digest (write, sync, rename), and
        // the worker checks the digest of everything it receives.
        guard let kind = artifactKind(digest) else { return nil }
        return Artifact(kind: kind, bytes: bytes, trustedDigest: digest)
    }

    private func artifactKind(_ digest: SHA256Digest) -> ArtifactKind? {
        artifactKinds[digest]
    }

    private func storedSize(_ digest: SHA256Digest) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: store.path(of: digest.hex))[.size] as? Int) ?? 0
    }

    func count(_ reason: String) {
        dropped[reason, default: 0] += 1
        progress.dropped()
    }

    /// Dropped-message counts go to the journal (for `lottery status`) with the next commit.
    func journalDropCounts() {
        guard !dropped.isEmpty else { return }
        let counts = dropped
        dropped = [:]
        pendingWrites.append { journal in
            for (reason, count) in counts { try journal.addToCounter("dropped:\(reason)", count) }
        }
    }
}
