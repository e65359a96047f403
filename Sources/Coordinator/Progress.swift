import Foundation
import Journal
import Logging
import LotteryCore

/// What the coordinator shows while a sweep runs: on a terminal, one live status
/// line; otherwise a log line per finished trial and a summary every 30 seconds.
final class Progress: @unchecked Sendable {
    // @unchecked: used only by the coordinator's task.
    private let total: Int
    private let logger: Logger
    private let live: Bool
    private let started = ContinuousClock.now
    private var doneAtStart = 0
    private var doneNow = 0
    private var failedCount = 0
    private var metricPoints = 0
    private var droppedMessages = 0
    private var lastSummary = ContinuousClock.now
    private var lastLine = ""
    /// Test accuracy at early stop of each done dense run, and the best ticket so far.
    private var denseAccuracy: [TrialID: Double] = [:]
    private var best: (percent: Double, accuracy: Double)?

    init(total: Int, logger: Logger, live: Bool) {
        self.total = total
        self.logger = logger
        self.live = live
    }

    func start(done: Int, records: [TrialRecord], plan: Plan) {
        doneAtStart = done
        doneNow = done
        for record in records where record.state == .done {
            if let summary = record.summary { consider(record.id, summary: summary, plan: plan) }
        }
    }

    func metrics(_ count: Int) { metricPoints += count }
    func dropped() { droppedMessages += 1 }

    func failed(_ id: TrialID) {
        failedCount += 1
    }

    func finished(_ id: TrialID, summary: RunSummary, plan: Plan) {
        doneNow += 1
        consider(id, summary: summary, plan: plan)
        if !live, let trial = plan[id] {
            // Formatted inside the message, which is built only when the log level lets it through.
            logger.info("""
                done \(id) level \(trial.level) \(trial.branch): \(String(format: "%.1f", summary.percentRemaining))% weights, \
                test accuracy \(String(format: "%.4f", summary.earlyStopTestAccuracy)) \
                at iteration \(summary.earlyStopIteration) (\(doneNow)/\(total))
                """)
        }
    }

    /// The sparsest ticket whose accuracy is within 0.5 points of its own dense run.
    private func consider(_ id: TrialID, summary: RunSummary, plan: Plan) {
        guard let trial = plan[id] else { return }
        if trial.branch == .dense { denseAccuracy[id] = summary.earlyStopTestAccuracy }
        guard trial.branch == .ticket || trial.branch == .oneShot else { return }
        var root = trial
        while let parent = root.parent, let next = plan[parent] { root = next }
        guard let dense = denseAccuracy[root.id], summary.earlyStopTestAccuracy >= dense - 0.005 else { return }
        if best == nil || summary.percentRemaining < best!.percent {
            best = (summary.percentRemaining, summary.earlyStopTestAccuracy)
        }
    }

    func update(scheduler: Scheduler, workers: Int) {
        let line = statusLine(scheduler: scheduler, workers: workers)
        if live {
            if line != lastLine {
                TerminalLine.standardError.show(line)
                lastLine = line
            }
        } else if ContinuousClock.now - lastSummary >= .seconds(30) {
            lastSummary = .now
            logger.info("\(line)")
        }
    }

    func stalled(_ message: String) {
        if ContinuousClock.now - lastSummary >= .seconds(10) {
            lastSummary = .now
            logger.error("\(message)")
        }
    }

    func finish(scheduler: Scheduler) {
        if live { TerminalLine.standardError.clear() }
        logger.info("\(statusLine(scheduler: scheduler, workers: 0, final: true))")
    }

    private func statusLine(scheduler: Scheduler, workers: Int, final: Bool = false) -> String {
        let counts = scheduler.counts
        let elapsed = (ContinuousClock.now - started).inSeconds
        let newlyDone = doneNow - doneAtStart
        let perHour = elapsed > 0 ? Double(newlyDone) / elapsed * 3600 : 0
        let remaining = (counts[.pending] ?? 0) + (counts[.running] ?? 0)
        var parts = ["done \(counts[.done] ?? 0)/\(total)", "running \(counts[.running] ?? 0)",
                     "queued \(counts[.pending] ?? 0)", "failed \(counts[.failed] ?? 0)"]
        if (counts[.skipped] ?? 0) > 0 { parts.append("skipped \(counts[.skipped] ?? 0)") }
        if newlyDone > 0 {
            parts.append(String(format: "%.0f trials/h", perHour))
            if !final && remaining > 0 { parts.append("ETA " + duration(Double(remaining) / perHour * 3600)) }
        }
        if final { parts.append("in " + duration(elapsed)) } else { parts.append("workers \(workers)") }
        if let best { parts.append(String(format: "best ticket %.1f%% weights at %.2f%% test acc", best.percent, 100 * best.accuracy)) }
        if droppedMessages > 0 { parts.append("dropped messages \(droppedMessages)") }
        return parts.joined(separator: " · ")
    }

    private func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total)s"
    }
}
