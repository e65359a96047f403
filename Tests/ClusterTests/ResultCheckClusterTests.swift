import Foundation
import Journal
import LotteryCore
import TestSupport
import Testing
import Wire

/// A coordinator process checking the artifacts of a `RESULT` against the trial's model
/// before it takes the result, facing a worker played by the test.
@Suite(.serialized) struct ResultCheckClusterTests {
    /// What an honest LeNet-300-100 run on Fashion-MNIST reports about its layers.
    private static let lenetLayers = [
        LayerDensity(name: "fc1", kind: .fc, remaining: 235_200, total: 235_200),
        LayerDensity(name: "fc2", kind: .fc, remaining: 30_000, total: 30_000),
        LayerDensity(name: "output", kind: .output, remaining: 1_000, total: 1_000),
    ]

    static func summary(minValidationLoss: Double = 0.5) -> RunSummary {
        RunSummary(iterations: 100, earlyStopIteration: 100, minValidationLoss: minValidationLoss,
                   earlyStopTestAccuracy: 0.8, finalValidationLoss: 0.5, finalValidationAccuracy: 0.8, finalTestLoss: 0.5,
                   finalTestAccuracy: 0.8, earlyStopTrainAccuracy: 0.8, earlyStopTrainLoss: 0.5, finalTrainAccuracy: 0.8,
                   finalTrainLoss: 0.5, layers: lenetLayers, seconds: 1)
    }

    @Test func aResultWhoseArtifactsDoNotFitTheModelIsAFailedAttemptOfThatWorker() async throws {
        let cluster = try await Cluster.started(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "bad-artifacts")
        let peer = try ProtocolPeer(cluster, id: "liar-0123abcd")
        let assignment = try await peer.join(cluster)
        // Well-formed artifacts, each of the wrong size for LeNet-300-100.
        try peer.send(.result(.init(lease: assignment.lease, trial: assignment.trial, attempt: assignment.attempt,
                                    summary: Self.summary(), artifacts: [
                                        .mask: .mask(Array(repeating: true, count: 10)),
                                        .finalWeights: .weights([1]),
                                    ])))
        // Acknowledged all the same: the worker must stop resending it.
        let answer = try #require(try await peer.receive(), "no answer to RESULT; coordinator log:\n\(cluster.log("coordinator"))")
        #expect(answer == .ack(TrialAttempt(trial: assignment.trial, attempt: assignment.attempt)))

        let trial = try #require(try cluster.journal().trials().first)
        #expect(trial.state == .pending, "a result whose artifacts do not fit the model was taken")
        #expect(trial.attempts == 1)
        #expect(trial.artifacts.isEmpty)
        let error = trial.error ?? ""
        #expect(error.hasPrefix("RESULT of \(assignment.trial) attempt 1 from worker liar-0123abcd: "), "\(error)")
        #expect(error.contains("mask has 10 bits, model lenet-300-100 on fashion-mnist has 266,200 prunable weights"), "\(error)")
        #expect(error.contains("final-weights has 1 value, model lenet-300-100 on fashion-mnist has 266,610 "
            + "parameters and running statistics"), "\(error)")
        let failed = try cluster.journal().events(kind: "attempt-failed")
        #expect(failed.count == 1)
        #expect(failed.first?.worker == "liar-0123abcd")
        #expect(failed.first?.message.contains("mask has 10 bits") == true)

        // The trial is offered again, as a new attempt.
        try peer.send(.ready(.init(free: 1)))
        let again = try #require(try await peer.receive(), "the trial was not offered again")
        guard case .assign(let retry) = again else {
            Issue.record("expected ASSIGN, got \(again)")
            return
        }
        #expect(retry.trial == assignment.trial)
        #expect(retry.attempt == 2)
        cluster.killCoordinator()
    }

    @Test func anInfiniteLossReachesTheJournalAsInfinity() async throws {
        let cluster = try await Cluster.started(sweep: TestSweeps.chains(iterations: 100, levels: 0, seeds: 1), name: "infinite-loss")
        let peer = try ProtocolPeer(cluster, id: "diverged-0123abcd")
        let assignment = try await peer.join(cluster)
        // Through this side's encoder, then as other encoders write them: a number too
        // large for a double, and Python's `json.dumps` bare tokens.
        try peer.send(.metrics(.init(lease: assignment.lease, trial: assignment.trial, attempt: assignment.attempt, points: [
            Evaluation(iteration: 0, split: .validation, loss: .infinity, accuracy: 0.1),
            Evaluation(iteration: 0, split: .test, loss: .nan, accuracy: 0.1),
        ])))
        let lease = #""lease":"\#(assignment.lease)","trial":"\#(assignment.trial)","attempt":\#(assignment.attempt)"#
        try peer.send(type: "METRICS", header: #"{"v":1,\#(lease),"points":[{"iteration":100,"split":"validation","loss":1e999,"accuracy":0.1},{"iteration":100,"split":"test","loss":-1e999,"accuracy":0.1}]}"#)
        try peer.send(type: "METRICS", header: #"{"v":1,\#(lease),"points":[{"iteration":200,"split":"validation","loss":Infinity,"accuracy":0.1},{"iteration":200,"split":"test","loss":-Infinity,"accuracy":0.1},{"iteration":200,"split":"train","loss":NaN,"accuracy":0.1}]}"#)

        var points: [MetricRecord] = []
        _ = try await poll(timeout: .seconds(20)) { () throws -> Bool? in
            try peer.send(.heartbeat)  // alive, or the coordinator forgets this worker
            points = try cluster.journal().metrics()
            return points.count == 7 ? true : nil
        }
        #expect(points.count == 7, "journaled: \(points); coordinator log:\n\(cluster.log("coordinator"))")
        func loss(_ iteration: Int, _ split: Split) -> Double? {
            points.first { $0.evaluation.iteration == iteration && $0.evaluation.split == split }?.evaluation.loss
        }
        #expect(loss(0, .validation) == .infinity)
        #expect(loss(0, .test)?.isNaN == true)  // unknown stays unknown (NULL)
        #expect(loss(100, .validation) == .infinity)
        #expect(loss(100, .test) == -.infinity)
        #expect(loss(200, .validation) == .infinity)
        #expect(loss(200, .test) == -.infinity)
        #expect(loss(200, .train)?.isNaN == true)

        // A diverged run's result, with artifacts that fit the model: taken, infinity and all.
        try peer.send(.result(.init(lease: assignment.lease, trial: assignment.trial, attempt: assignment.attempt,
                                    summary: Self.summary(minValidationLoss: .infinity), artifacts: [
                                        .mask: .mask(Array(repeating: true, count: 266_200)),
                                        .finalWeights: .weights(Array(repeating: 0.5, count: 266_610)),
                                    ])))
        let answer = try #require(try await peer.receive(), "no answer to RESULT; coordinator log:\n\(cluster.log("coordinator"))")
        #expect(answer == .ack(TrialAttempt(trial: assignment.trial, attempt: assignment.attempt)))
        let trial = try #require(try cluster.journal().trials().first)
        #expect(trial.state == .done, "\(trial.error ?? "")")
        #expect(trial.summary?.minValidationLoss == .infinity)
        cluster.killCoordinator()
    }
}
