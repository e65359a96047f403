import LotteryCore
import Coordinator
import Journal
import Prometheus
import Synchronization

/// `/metrics` in Prometheus' text format, through swift-prometheus' registry. The figures are
/// the journal's (as `lottery status` shows them) and, when this process runs the coordinator,
/// its live ones (workers connected, ready queue, commit durations). Counters follow the
/// journal's totals: a counter only ever grows, so a total that fell (failed trials retried by a
/// new coordinator reset their attempts) resets it, which Prometheus' `rate()` understands.
final class MetricsExporter: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let exported = Mutex(Exported())
    private let trials: [TrialState: Gauge]
    private let attempts: Counter
    private let leaseExpiries: Counter
    private let metricPoints: Counter
    private let workersConnected: Gauge
    private let queueDepth: Gauge
    private let commitDuration: DurationHistogram

    private struct Exported {
        var totals: [String: Int] = [:]
        var dropped: [String: Counter] = [:]
    }

    init() {
        var trials: [TrialState: Gauge] = [:]
        for state in TrialState.allCases {
            trials[state] = registry.makeGauge(name: "lottery_trials", labels: [("state", state.rawValue)],
                                               help: "Trials of the plan in each state, as lottery status counts them.")
        }
        self.trials = trials
        attempts = registry.makeCounter(name: "lottery_trial_attempts_total",
                                        help: "Attempts started, summed over the trials of the plan.")
        leaseExpiries = registry.makeCounter(name: "lottery_lease_expiries_total",
                                             help: "Leases lost with their worker (attempt-lapsed events): the trial was queued again.")
        metricPoints = registry.makeCounter(name: "lottery_metric_points_total",
                                            help: "Evaluation points received and journaled.")
        workersConnected = registry.makeGauge(name: "lottery_workers_connected",
                                              help: "Workers connected to the coordinator (served journals: joined and not lost, by the events).")
        queueDepth = registry.makeGauge(name: "lottery_queue_depth",
                                        help: "Trials ready and waiting for a slot (served journals: trials queued).")
        commitDuration = registry.makeDurationHistogram(
            name: "lottery_journal_commit_duration_seconds",
            buckets: [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
                      .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                      .milliseconds(250), .seconds(1)],
            help: "Duration of the coordinator's group commits to the journal (only when this process runs the coordinator).")
    }

    /// The text for one scrape of `state`, with the commit durations recorded since the last.
    func text(_ state: DashboardState, snapshots: CoordinatorSnapshots?) -> String {
        exported.withLock { exported in
            let progress = state.progress
            let counts: [TrialState: Int] = [.done: progress.done, .running: progress.running, .pending: progress.queued,
                                             .failed: progress.failed, .skipped: progress.skipped]
            for (trialState, gauge) in trials { gauge.set(Int64(counts[trialState] ?? 0)) }
            workersConnected.set(Int64(state.counters.workersConnected))
            queueDepth.set(Int64(state.counters.queueDepth))
            follow(attempts, "attempts", state.counters.attempts, &exported)
            follow(leaseExpiries, "lease-expiries", state.counters.leaseExpiries, &exported)
            follow(metricPoints, "metric-points", state.counters.metricPoints, &exported)
            for (reason, count) in state.counters.dropped {
                let counter = exported.dropped[reason] ?? registry.makeCounter(
                    name: "lottery_dropped_messages_total", labels: [("reason", reason)],
                    help: "Messages from workers dropped, by reason.")
                exported.dropped[reason] = counter
                follow(counter, "dropped:" + reason, count, &exported)
            }
            if let snapshots {
                for seconds in snapshots.drainCommitDurations().seconds {
                    commitDuration.record(.nanoseconds(Int64(seconds * 1e9)))
                }
            }
            return registry.emitToString()
        }
    }

    private func follow(_ counter: Counter, _ key: String, _ total: Int, _ exported: inout Exported) {
        let last = exported.totals[key] ?? 0
        if total < last {
            counter.reset()
            counter.increment(by: Int64(total))
        } else if total > last {
            counter.increment(by: Int64(total - last))
        }
        exported.totals[key] = total
    }
}
