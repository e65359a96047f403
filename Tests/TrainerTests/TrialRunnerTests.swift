import LotteryCore
import SweepPlan
import TestSupport
import Testing

@testable import Trainer

struct TrialRunnerTests {
    private let pruning = PruningSpec(rates: LayerRates(fc: 0.2, output: 0.1))

    @Test func aShortChainHasTheExpectedSparsityAndResetsSurvivorsToThetaZero() throws {
        let dataset = try syntheticDataset()
        let (theta0Network, _) = try TrialRunner.prepare(tinyRecipe(), inputs: TrialInputs(), dataset: dataset)
        let theta0 = Weights(of: theta0Network)
        var parent = try TrialRunner.run(tinyRecipe(), inputs: TrialInputs(), dataset: dataset)
        var expected = parent.mask.layers.map(\.keep.count)
        for _ in 1...3 {
            let recipe = tinyRecipe(start: .prune(pruning))
            let inputs = TrialInputs(parentMask: parent.mask, parentWeights: parent.finalWeights)
            let (network, mask) = try TrialRunner.prepare(recipe, inputs: inputs, dataset: dataset)
            expected = zip(expected, mask.layers).map { remaining, layer in
                remaining - PruningSpec.countToPrune(rate: pruning.rates[layer.kind], remaining: remaining)
            }
            #expect(mask.layers.map(\.remaining) == expected)
            // Survivors hold exactly θ0; the pruned are exactly zero; biases are θ0's.
            for parameter in network.parameters {
                let original = theta0[parameter.name]!
                let layerMask = mask.layers.first { $0.name == parameter.layerName && parameter.isPrunable }
                for i in 0..<parameter.count {
                    let kept = layerMask.map { $0.keep[i] == 1 } ?? true
                    #expect(parameter.value[i].bitPattern == (kept ? original[i] : 0).bitPattern)
                }
            }
            parent = try TrialRunner.run(recipe, inputs: inputs, dataset: dataset)
            #expect(parent.mask == mask)
            #expect(parent.summary.layers.map(\.remaining) == expected)
        }
    }

    @Test func rewindingResetsToTheKeptWeights() throws {
        let dataset = try syntheticDataset()
        let dense = try TrialRunner.run(tinyRecipe(reset: .rewind(iteration: 5), keepWeightsAt: 5),
                                        inputs: TrialInputs(), dataset: dataset)
        let rewound = try #require(dense.keptWeights)
        let (network, mask) = try TrialRunner.prepare(
            tinyRecipe(start: .prune(pruning), reset: .rewind(iteration: 5)),
            inputs: TrialInputs(parentMask: dense.mask, parentWeights: dense.finalWeights, rewindWeights: rewound),
            dataset: dataset)
        for (parameter, layer) in zip(network.weights, mask.layers) {
            let values = rewound[parameter.name]!
            for i in 0..<parameter.count {
                #expect(parameter.value[i] == (layer.keep[i] == 1 ? values[i] : 0))
            }
        }
        #expect(throws: TrainerError.self) {
            try TrialRunner.run(tinyRecipe(start: .prune(pruning), reset: .rewind(iteration: 5)),
                                inputs: TrialInputs(parentMask: dense.mask, parentWeights: dense.finalWeights),
                                dataset: dataset)
        }
    }

    /// Batch normalization's running statistics belong to the snapshot: resetting
    /// to θ0 starts them afresh (mean 0, variance 1), as θ0 had them; rewinding to
    /// iteration k restores them as they were after k iterations.
    @Test func resetAndRewindRestoreTheRunningStatistics() throws {
        let dataset = try syntheticDataset()
        let training = tinyTraining(iterations: 12, optimizer: OptimizerSpec(kind: .momentum, learningRate: 0.05),
                                    evalEvery: 6)
        let pruning = PruningSpec(scope: .global, rates: LayerRates(conv: 0.2))
        let dense = try TrialRunner.run(tinyRecipe(reset: .rewind(iteration: 5), keepWeightsAt: 5, training: training,
                                                   model: tinyResidualModel),
                                        inputs: TrialInputs(), dataset: dataset)
        let kept = try #require(dense.keptWeights)
        let (fresh, _) = try TrialRunner.prepare(tinyRecipe(training: training, model: tinyResidualModel),
                                                 inputs: TrialInputs(), dataset: dataset)
        let statistics = fresh.state.map(\.name)
        #expect(statistics.count == 2 * 4)
        #expect(statistics.first == "conv1.bn.running_mean")
        #expect(statistics.last == "conv2.shortcut.bn.running_var")
        for tensor in fresh.state {
            #expect(tensor.value.array.allSatisfy { $0 == tensor.initialValue })
            // Training moved them, and they moved on after the rewind iteration.
            #expect(kept[tensor.name]! != tensor.value.array, "\(tensor.name)")
            #expect(dense.finalWeights[tensor.name]! != kept[tensor.name]!, "\(tensor.name)")
        }
        // Kept at 5 means: exactly what a 5-iteration run ends with.
        var five = training
        five.length = .iterations(5)
        let short = try TrialRunner.run(tinyRecipe(training: five, model: tinyResidualModel), inputs: TrialInputs(),
                                        dataset: dataset)
        for name in statistics { #expect(short.finalWeights[name]! == kept[name]!) }

        let (reset, _) = try TrialRunner.prepare(
            tinyRecipe(start: .prune(pruning), training: training, model: tinyResidualModel),
            inputs: TrialInputs(parentMask: dense.mask, parentWeights: dense.finalWeights), dataset: dataset)
        for tensor in reset.state {
            #expect(tensor.value.array.allSatisfy { $0 == tensor.initialValue }, "\(tensor.name) after a reset to θ0")
        }
        let (rewound, mask) = try TrialRunner.prepare(
            tinyRecipe(start: .prune(pruning), reset: .rewind(iteration: 5), training: training, model: tinyResidualModel),
            inputs: TrialInputs(parentMask: dense.mask, parentWeights: dense.finalWeights, rewindWeights: kept),
            dataset: dataset)
        for tensor in rewound.state {
            #expect(tensor.value.array == kept[tensor.name]!, "\(tensor.name) after a rewind")
        }
        // γ and β rewind too, and are never masked.
        for parameter in rewound.parameters where !parameter.isPrunable {
            #expect(parameter.value.array == kept[parameter.name]!)
        }
        // Global pruning took 20% of the pooled convolutions; the output layer is dense.
        let conv = mask.layers.filter { $0.kind == .conv }
        let pooled = conv.reduce(0) { $0 + $1.keep.count }
        #expect(conv.reduce(0) { $0 + $1.remaining } == pooled - PruningSpec.countToPrune(rate: 0.2, remaining: pooled))
        #expect(mask.layers.last!.remaining == mask.layers.last!.keep.count)
    }

    @Test func reinitKeepsTheMaskWithFreshWeights() throws {
        let dataset = try syntheticDataset()
        let dense = try TrialRunner.run(tinyRecipe(), inputs: TrialInputs(), dataset: dataset)
        let ticket = try TrialRunner.run(tinyRecipe(start: .prune(pruning)),
                                         inputs: TrialInputs(parentMask: dense.mask, parentWeights: dense.finalWeights),
                                         dataset: dataset)
        let recipe = tinyRecipe(start: .control(.reinit, replicate: 0))
        let (network, mask) = try TrialRunner.prepare(recipe, inputs: TrialInputs(parentMask: ticket.mask), dataset: dataset)
        #expect(mask == ticket.mask)
        let (theta0, _) = try TrialRunner.prepare(tinyRecipe(), inputs: TrialInputs(), dataset: dataset)
        #expect(network.weights[0].value.array != theta0.weights[0].value.array.enumerated().map {
            mask.layers[0].keep[$0.offset] == 1 ? $0.element : 0 })
        let (again, _) = try TrialRunner.prepare(recipe, inputs: TrialInputs(parentMask: ticket.mask), dataset: dataset)
        #expect(Weights(of: again) == Weights(of: network))
        let (other, _) = try TrialRunner.prepare(tinyRecipe(start: .control(.reinit, replicate: 1)),
                                                 inputs: TrialInputs(parentMask: ticket.mask), dataset: dataset)
        #expect(Weights(of: other) != Weights(of: network))
    }

    @Test func randomPruningKeepsPerLayerSparsityOnThetaZero() throws {
        let dataset = try syntheticDataset()
        let dense = try TrialRunner.run(tinyRecipe(), inputs: TrialInputs(), dataset: dataset)
        let ticket = try TrialRunner.run(tinyRecipe(start: .prune(pruning)),
                                         inputs: TrialInputs(parentMask: dense.mask, parentWeights: dense.finalWeights),
                                         dataset: dataset)
        let control = try TrialRunner.run(tinyRecipe(start: .control(.randomPrune, replicate: 0)),
                                          inputs: TrialInputs(parentMask: ticket.mask), dataset: dataset)
        #expect(control.mask != ticket.mask)
        #expect(control.mask.layers.map(\.remaining) == ticket.mask.layers.map(\.remaining))
    }

    @Test func missingArtifactsAreNamed() throws {
        let dataset = try syntheticDataset()
        do {
            _ = try TrialRunner.run(tinyRecipe(start: .prune(pruning)), inputs: TrialInputs(), dataset: dataset)
            Issue.record("a pruned trial without its parent's artifacts must fail")
        } catch {
            #expect(String(describing: error).contains("the parent's mask"))
        }
    }

    /// A trial's lanes are its own: two trials of two threads each training at once on
    /// two threads (a worker's two slots) give the bits each gives alone, while a trial
    /// beside them trains with one lane and another model. (Lanes do change a
    /// convolution's sums: the same trial on one thread ends elsewhere.)
    @Test func concurrentTrialsSplitTheirBatchesAsTheyWouldAlone() async throws {
        let dataset = try syntheticDataset(side: 8)
        // The second convolution has the 16 input channels Winograd (and its lanes) needs.
        let model = ModelSpec(name: "conv", layers: [.conv3x3(channels: 16), .conv3x3(channels: 16), .maxPool2x2,
                                                     .dense(units: 12)])
        // 8×8 planes are 16 Winograd tiles an example, so a batch of 128 is 4 chunks of 32:
        // two lanes sum ∂W as (c0 + c1) + (c2 + c3), one lane as ((c0 + c1) + c2) + c3.
        let recipe = tinyRecipe(training: tinyTraining(iterations: 12, batch: 128), model: model)
        let alone = try TrialRunner.run(recipe, inputs: TrialInputs(), dataset: dataset, threads: 2)
        let oneLane = try TrialRunner.run(recipe, inputs: TrialInputs(), dataset: dataset, threads: 1)
        let lanesMatter = oneLane.finalWeights != alone.finalWeights
        #expect(lanesMatter, "lanes must matter to this model for the test to mean anything")
        let other = tinyRecipe(seed: 3, training: tinyTraining(iterations: 40, batch: 40))
        let outcomes = try await withThrowingTaskGroup(of: Weights?.self) { group in
            for index in 0..<3 {
                group.addTask {
                    try await onOwnThread { () throws -> Weights? in
                        guard index < 2 else {
                            _ = try TrialRunner.run(other, inputs: TrialInputs(), dataset: dataset, threads: 1)
                            return nil
                        }
                        return try TrialRunner.run(recipe, inputs: TrialInputs(), dataset: dataset, threads: 2).finalWeights
                    }
                }
            }
            return try await group.reduce(into: [Weights]()) { if let weights = $1 { $0.append(weights) } }
        }
        #expect(outcomes.count == 2)
        let asAlone = outcomes.map { $0 == alone.finalWeights }
        #expect(asAlone == [true, true])
    }

    /// A plan run in this process: every trial in order, each from its parent's outcome,
    /// with the results a trial gets when its inputs are handed over by hand.
    @Test func aLocalRunTrainsEveryTrialOfItsPlanFromItsParent() throws {
        let dataset = try syntheticDataset()
        let plan = Plan(try Sweep(yaml: """
            name: local
            dataset: fashion-mnist
            model: {preset: lenet-300-100, hidden: [16, 12]}
            training: {length: 20it, batch: 20, eval_every: 10}
            levels: 2
            controls: {reinit: 1, random_prune: 1}
            seeds: [1]
            """, file: "local.yaml"))
        var trained: [(trial: PlannedTrial, outcome: TrialOutcome)] = []
        try LocalRun(plan: plan).run(dataset: dataset) { trained.append(($0, $1)) }
        #expect(trained.map(\.trial.id) == plan.trials.map(\.id))
        #expect(trained.map(\.trial.level) == [0, 1, 1, 1, 2, 2, 2])
        #expect(trained.map(\.trial.branch.description)
                == ["dense", "ticket", "reinit#0", "random-prune#0", "ticket", "reinit#0", "random-prune#0"])
        #expect(trained[4].outcome.summary.percentRemaining < trained[1].outcome.summary.percentRemaining)
        #expect(trained[2].outcome.summary.percentRemaining == trained[1].outcome.summary.percentRemaining)
        // Level 2's ticket by hand, from level 1's outcome: the same numbers.
        let byHand = try TrialRunner.run(trained[4].trial.recipe, inputs: TrialInputs(
            parentMask: trained[1].outcome.mask, parentWeights: trained[1].outcome.finalWeights), dataset: dataset)
        #expect(byHand.summary.finalTestAccuracy == trained[4].outcome.summary.finalTestAccuracy)
        #expect(byHand.finalWeights == trained[4].outcome.finalWeights)
    }
}
