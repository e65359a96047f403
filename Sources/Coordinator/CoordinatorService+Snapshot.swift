import Foundation
import LotteryCore

extension CoordinatorService {
    /// Publishes the workers and the queue for a dashboard, when one asked (a few hundred
    /// workers: microseconds, four times a second).
    func publishSnapshot() {
        guard let snapshots = configuration.snapshots else { return }
        let now = ContinuousClock.now
        var snapshot = CoordinatorSnapshot()
        snapshot.at = Date().timeIntervalSince1970
        snapshot.coordinator = coordinatorID
        snapshot.readyTrials = scheduler.readyCount
        snapshot.runningLeases = scheduler.counts[.running] ?? 0
        snapshot.workers = workers.values.map { worker in
            WorkerSnapshot(id: worker.id, name: worker.name, host: worker.host, slots: worker.slots,
                           threads: worker.threads, running: scheduler.leases(of: worker.id).count,
                           secondsSinceHeard: (now - worker.lastHeard).inSeconds,
                           quarantined: scheduler.isQuarantined(worker.id))
        }.sorted { $0.id < $1.id }
        snapshots.publish(snapshot)
    }
}
