import Coordinator
import LotteryCore
import SweepPlan
import Testing

struct SchedulerTests {
    private let plan: Plan

    init() throws {
        plan = Plan(try Sweep(yaml: """
            name: s
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: 100it}
            levels: [1, 3]
            controls: {reinit: 1}
            seeds: 2
            """))
    }

    private func scheduler(_ configuration: Scheduler.Configuration = .init()) -> Scheduler {
        Scheduler(trials: plan.trials.map { ($0, .pending, 0) }, configuration: configuration)
    }

    private func runToEnd(_ scheduler: inout Scheduler, worker: String = "w") -> [TrialID] {
        var order: [TrialID] = []
        while let lease = scheduler.assign(to: worker) {
            order.append(lease.trial)
            let completed = scheduler.complete(lease.trial, attempt: lease.attempt, worker: worker)
            #expect(completed)
        }
        return order
    }

    @Test func onlyRootsAreReadyAtFirst() {
        let scheduler = scheduler()
        #expect(scheduler.readyCount == plan.trials.filter { $0.parent == nil }.count)
    }

    @Test func everyTrialRunsOnceAndAfterItsParent() {
        var scheduler = scheduler()
        let order = runToEnd(&scheduler)
        #expect(order.count == plan.trials.count)
        #expect(Set(order).count == order.count)
        for (index, id) in order.enumerated() {
            if let parent = plan[id]!.parent { #expect(order.firstIndex(of: parent)! < index) }
        }
        #expect(scheduler.isFinished)
    }

    @Test func theLongestRemainingChainGoesFirst() {
        var scheduler = scheduler()
        let first = scheduler.assign(to: "w")!
        _ = scheduler.complete(first.trial, attempt: 1, worker: "w")
        // The dense run leads to level 1..3 tickets and controls; the next pick is
        // the ticket with the longest chain below it, not a control (a leaf).
        let next = scheduler.assign(to: "w")!
        #expect(plan[next.trial]!.branch == .ticket)
        #expect(plan.children(of: next.trial).contains { $0.branch == .ticket })
    }

    @Test func aWorkerGetsTheChildOfWhatItRan() {
        var scheduler = scheduler()
        let a = scheduler.assign(to: "a")!
        let b = scheduler.assign(to: "b")!
        _ = scheduler.complete(a.trial, attempt: 1, worker: "a")
        _ = scheduler.complete(b.trial, attempt: 1, worker: "b")
        let forB = scheduler.assign(to: "b")!
        let forA = scheduler.assign(to: "a")!
        #expect(plan[forB.trial]!.parent == b.trial)
        #expect(plan[forA.trial]!.parent == a.trial)
    }

    @Test func aFailingTrialIsRetriedThenFailedAndItsDependantsSkipped() {
        var scheduler = scheduler(.init(maxAttempts: 2, quarantineAfter: 10))
        let lease = scheduler.assign(to: "w")!
        let doomed = lease.trial
        let first = scheduler.fail(doomed, attempt: 1, worker: "w", error: "boom")
        #expect(first == [.requeued(doomed, attempt: 1, error: "boom")])
        var second = scheduler.assign(to: "w")!
        while second.trial != doomed {
            _ = scheduler.complete(second.trial, attempt: second.attempt, worker: "w")
            second = scheduler.assign(to: "w")!
        }
        #expect(second.attempt == 2)
        let outcomes = scheduler.fail(doomed, attempt: 2, worker: "w", error: "boom")
        #expect(outcomes.first == .failed(doomed, attempt: 2, error: "boom"))
        let descendants = plan.trials.filter { trial in
            var parent = trial.parent
            while let current = parent { if current == doomed { return true }; parent = plan[current]!.parent }
            return false
        }
        #expect(outcomes.count == 1 + descendants.count)
        #expect(descendants.allSatisfy { scheduler.state(of: $0.id) == .skipped })
        _ = runToEnd(&scheduler)
        #expect(scheduler.isFinished)
        #expect(scheduler.counts[.done] == plan.trials.count - 1 - descendants.count)
    }

    @Test func aNonRetryableFailureFailsAtOnce() {
        var scheduler = scheduler()
        let lease = scheduler.assign(to: "w")!
        let outcomes = scheduler.fail(lease.trial, attempt: 1, worker: "w", error: "no such model", retryable: false)
        #expect(outcomes.first == .failed(lease.trial, attempt: 1, error: "no such model"))
    }

    @Test func lapsedLeasesComeBackWithTheNextAttemptAndLateResultsDoNotCount() {
        var scheduler = scheduler()
        let lease = scheduler.assign(to: "dead")!
        let lapsed = scheduler.lapse(worker: "dead", reason: "silent")
        #expect(lapsed == [.lapsed(lease.trial, attempt: 1, reason: "silent")])
        var retry = scheduler.assign(to: "alive")!
        while retry.trial != lease.trial { retry = scheduler.assign(to: "alive")! }
        #expect(retry.attempt == 2)
        let late = scheduler.complete(lease.trial, attempt: 1, worker: "dead")
        let current = scheduler.complete(lease.trial, attempt: 2, worker: "alive")
        let repeated = scheduler.complete(lease.trial, attempt: 2, worker: "alive")
        #expect(!late && current && !repeated)
    }

    @Test func onlyTheLeasesAWorkerForgotLapse() {
        var scheduler = scheduler()
        let kept = scheduler.assign(to: "w")!
        let forgotten = scheduler.assign(to: "w")!
        let outcomes = scheduler.lapse(leases: [forgotten.id], reason: "not listed in HELLO")
        #expect(outcomes == [.lapsed(forgotten.trial, attempt: 1, reason: "not listed in HELLO")])
        #expect(scheduler.state(of: kept.trial) == .running)
        #expect(scheduler.leases(of: "w").map(\.id) == [kept.id])
    }

    @Test func aWorkerThatFailsDifferentTrialsIsQuarantined() throws {
        let wide = Plan(try Sweep(yaml: "dataset: fashion-mnist\nmodel: lenet-300-100\nlevels: 1\nseeds: 4\n"))
        var scheduler = Scheduler(trials: wide.trials.map { ($0, .pending, 0) },
                                  configuration: .init(maxAttempts: 10, quarantineAfter: 3))
        let leases = (0..<3).map { _ in scheduler.assign(to: "broken")! }
        #expect(Set(leases.map(\.trial)).count == 3)
        var outcomes: [Scheduler.Outcome] = []
        for lease in leases {
            outcomes += scheduler.fail(lease.trial, attempt: lease.attempt, worker: "broken", error: "segfault")
        }
        #expect(outcomes.contains(.quarantined(worker: "broken", failures: 3)))
        let forBroken = scheduler.assign(to: "broken")
        let forHealthy = scheduler.assign(to: "healthy")
        #expect(forBroken == nil && forHealthy != nil)
    }

    @Test func oneTrialFailingRepeatedlyQuarantinesNobody() {
        var scheduler = scheduler(.init(maxAttempts: 5, quarantineAfter: 3))
        let first = scheduler.assign(to: "w")!
        var attempt = first
        for _ in 0..<4 {
            _ = scheduler.fail(attempt.trial, attempt: attempt.attempt, worker: "w", error: "bad data")
            attempt = scheduler.assign(to: "w")!
            #expect(attempt.trial == first.trial)
        }
        #expect(!scheduler.isQuarantined("w"))
    }

    @Test func resumingKeepsDoneTrialsDone() {
        var first = scheduler()
        let lease = first.assign(to: "w")!
        _ = first.complete(lease.trial, attempt: 1, worker: "w")
        var resumed = Scheduler(trials: plan.trials.map { ($0, $0.id == lease.trial ? .done : .pending, $0.id == lease.trial ? 1 : 0) })
        let order = runToEnd(&resumed)
        #expect(!order.contains(lease.trial))
        #expect(order.count == plan.trials.count - 1)
    }

    @Test func leaseIdsAreUnguessableAndOnlyTheHolderFinishesALease() {
        var scheduler = scheduler()
        let a = scheduler.assign(to: "a")!
        let b = scheduler.assign(to: "b")!
        for lease in [a, b] {
            #expect(lease.id.count == 33 && lease.id.hasPrefix("L"))
            #expect(lease.id.dropFirst().allSatisfy { $0.isHexDigit })
        }
        #expect(a.id != b.id)
        #expect(!scheduler.holds("b", lease: a.id, trial: a.trial, attempt: a.attempt))
        #expect(scheduler.holds("a", lease: a.id, trial: a.trial, attempt: a.attempt))
        let byB = scheduler.complete(a.trial, attempt: a.attempt, worker: "b")
        let byA = scheduler.complete(a.trial, attempt: a.attempt, worker: "a")
        #expect(!byB && byA)
        #expect(scheduler.finished(a.trial, attempt: a.attempt, on: "a"))
        #expect(!scheduler.finished(a.trial, attempt: a.attempt, on: "b"))
    }

    @Test func lapsesDoNotUseUpAttemptsButAreBounded() {
        var scheduler = scheduler(.init(maxAttempts: 2, maxLapses: 4, quarantineAfter: 10))
        let first = scheduler.assign(to: "w0")!
        var outcomes: [Scheduler.Outcome] = []
        var lease = first
        for round in 1...4 {
            outcomes = scheduler.lapse(worker: "w\(round - 1)", reason: "silent")
            if round < 4 {
                #expect(outcomes == [.lapsed(first.trial, attempt: lease.attempt, reason: "silent")])
                lease = scheduler.assign(to: "w\(round)")!
                #expect(lease.trial == first.trial && lease.attempt == round + 1)
            }
        }
        #expect(outcomes.first == .failed(first.trial, attempt: 4, error: "lost with its worker 4 times; the last: silent"))
        #expect(scheduler.state(of: first.trial) == .failed)
    }

    @Test func aLapsedLeaseIsTakenBackOnlyByItsIdAndOnlyWhileNobodyElseHasIt() {
        var scheduler = scheduler()
        let lease = scheduler.assign(to: "w")!
        _ = scheduler.lapse(worker: "w", reason: "silent")
        let guessed = scheduler.adopt(trial: lease.trial, attempt: lease.attempt, worker: "w", leaseID: "L1")
        let taken = scheduler.adopt(trial: lease.trial, attempt: lease.attempt, worker: "w", leaseID: lease.id)
        let completed = scheduler.complete(lease.trial, attempt: lease.attempt, worker: "w")
        #expect(!guessed && taken && completed)

        let other = scheduler.assign(to: "w")!
        _ = scheduler.lapse(worker: "w", reason: "silent")
        var retry = scheduler.assign(to: "v")!
        while retry.trial != other.trial { retry = scheduler.assign(to: "v")! }
        let late = scheduler.adopt(trial: other.trial, attempt: other.attempt, worker: "w", leaseID: other.id)
        #expect(!late)
    }

    @Test func aRestartedSchedulerTakesBackTheJournaledLeaseOnly() {
        let root = plan.trials[0].id
        var resumed = Scheduler(trials: plan.trials.map { ($0, $0.id == root ? .running : .pending, $0.id == root ? 1 : 0) },
                                leases: [root: "Labc"])
        let guessed = resumed.adopt(trial: root, attempt: 1, worker: "w", leaseID: "Lxyz")
        let journaled = resumed.adopt(trial: root, attempt: 1, worker: "w", leaseID: "Labc")
        #expect(!guessed && journaled)
        #expect(resumed.holds("w", lease: "Labc", trial: root, attempt: 1))
    }
}
