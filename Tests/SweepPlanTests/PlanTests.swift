import LotteryCore
import Testing

/// The trial DAG: chains, controls, one-shot branches, sharing, ids, order.
@Suite struct PlanTests {
    @Test func aChainIsLevelsEachDependingOnThePrevious() throws {
        let plan = try makePlan(minimalSweep)
        let chain = try #require(plan.chains.first)
        #expect(plan.trials.count == 3)
        #expect(chain.levels == plan.trials.map(\.id))
        let (dense, first, second) = (plan.trials[0], plan.trials[1], plan.trials[2])
        #expect(dense.parent == nil && dense.level == 0 && dense.branch == .dense)
        #expect(dense.recipe.start == .dense)
        #expect(first.parent == dense.id && first.level == 1 && first.branch == .ticket)
        #expect(second.parent == first.id && second.level == 2)
        #expect(first.recipe.start == .prune(PruningSpec(rates: LayerRates(fc: 0.2, output: 0.1))))
        #expect(second.recipe.start == first.recipe.start)
        #expect(plan.trials.map(\.depth) == [1, 2, 3])
        #expect(plan.children(of: dense.id).map(\.id) == [first.id])
    }

    @Test func idsAreTheHashOfRecipeAndParent() throws {
        let plan = try makePlan(minimalSweep)
        for trial in plan.trials {
            #expect(trial.id == TrialID(recipe: trial.recipe, parent: trial.parent))
            #expect(plan[trial.id] == trial)
        }
    }

    @Test func controlsBranchOffEachPrunedLevel() throws {
        let plan = try makePlan(minimalSweep + "\ncontrols: {reinit: 2, random_prune: 1}")
        let chain = try #require(plan.chains.first)
        #expect(plan.trials.count == 3 + 2 * 3)
        #expect(chain.controls.count == 6)
        for id in chain.controls {
            let control = try #require(plan[id])
            let parent = try #require(control.parent.flatMap { plan[$0] })
            #expect(parent.branch == .ticket)
            #expect(control.level == parent.level)
            #expect(control.depth == parent.depth + 1)
            #expect(control.weightsRemaining == parent.weightsRemaining)
        }
        let atLevel1: [Branch] = plan.children(of: chain.levels[1]).map(\.branch)
        let expected: [Branch] = [.control(.reinit, replicate: 0), .control(.reinit, replicate: 1),
                                  .control(.randomPrune, replicate: 0), .ticket]
        #expect(atLevel1 == expected)
        // Parents come before children: the order is topological.
        var seen: Set<TrialID> = []
        for trial in plan.trials {
            if let parent = trial.parent { #expect(seen.contains(parent)) }
            seen.insert(trial.id)
        }
        #expect(plan.summary.depth == 4)
    }

    @Test func oneShotTrialsBranchOffTheDenseRun() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {method: one-shot}
            levels: 3
            """)
        let chain = try #require(plan.chains.first)
        #expect(chain.method == .oneShot)
        let trials = chain.levels.dropFirst().compactMap { plan[$0] }
        #expect(trials.allSatisfy { $0.parent == chain.levels[0] && $0.branch == .oneShot })
        #expect(trials.map(\.level) == [1, 2, 3])
        // Each prunes the dense run to the density iterative pruning reaches at its level.
        #expect(trials.map(\.recipe.start) == [
            .prune(PruningSpec(rates: LayerRates(fc: 0.2, output: 0.1))),
            .prune(PruningSpec(rates: LayerRates(fc: 0.36, output: 0.19))),
            .prune(PruningSpec(rates: LayerRates(fc: 0.488, output: 0.271))),
        ])
        #expect(plan.summary.depth == 2)
    }

    @Test func oneShotToSeveralTargetsSharesTheDenseRun() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {method: one-shot, target: [0.5, 0.2, 0.05], output: same}
            levels: 1
            """)
        #expect(plan.summary.configs == 3)
        #expect(plan.trials.count == 4)
        #expect(plan.summary.sharedTrials == 2)
        let dense = plan.trials[0]
        #expect(dense.chains == [0, 1, 2])
        #expect(plan.children(of: dense.id).map(\.recipe.start) == [0.5, 0.8, 0.95].map {
            .prune(PruningSpec(rates: LayerRates(fc: $0, output: $0)))
        })
        #expect(plan.children(of: dense.id).map { ($0.weightsRemaining * 100).rounded() } == [50, 20, 5])
    }

    @Test func configsThatDifferAfterLevelZeroShareIt() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {rates: {fc: [0.1, 0.2, 0.4]}}
            levels: 2
            seeds: 2
            """)
        #expect(plan.summary.chains == 6)
        // Per seed: one dense run, then 2 levels for each of 3 rates.
        #expect(plan.trials.count == 2 * (1 + 3 * 2))
        #expect(plan.plannedTrialCount == 6 * 3)
        #expect(plan.summary.sharedTrials == 4)
        let dense = plan.trials.filter { $0.level == 0 }
        #expect(dense.map(\.chains) == [[0, 2, 4], [1, 3, 5]])
        // The shared dense run has the seed but no rate: its chains disagree on that axis.
        #expect(dense[0].parameters == [SweepParameter(name: "seeds", value: "0")])
        #expect(dense[0].parameter("pruning.rates.fc") == nil)
        let level1 = try #require(plan[plan.chains[2].levels[1]])
        #expect(level1.parameter("pruning.rates.fc") == "0.2")
    }

    @Test func aTrialSharedByConfigsWithOtherKernelsRunsWithTheFirstConfigs() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {kernels: [dense, sparse]}
            pruning: {rates: {fc: [0.2, 0.4]}}
            zip: [training.kernels, pruning.rates.fc]
            levels: 1
            """)
        // Kernels are not part of the id, so the dense run is shared, with the kernels of
        // the first config in grid order; each pruned level has its config's.
        #expect(plan.trials.count == 3)
        #expect(plan.trials[0].chains == [0, 1])
        #expect(plan.trials.map(\.recipe.training.kernels) == [.dense, .dense, .sparse])
        #expect(plan.trials[0].parameter("training.kernels") == nil)
        #expect(plan.trials[2].parameter("training.kernels") == "sparse")
    }

    @Test func aShorterChainSharesEveryLevelWithALongerOne() throws {
        let plan = try makePlan(minimalSweep.replacing("levels: 2", with: "levels: [2, 5]"))
        #expect(plan.trials.count == 6)
        #expect(plan.summary.sharedTrials == 3)
        #expect(Array(plan.chains[1].levels.prefix(3)) == plan.chains[0].levels)
    }

    @Test func rewindingKeepsWeightsAtLevelZero() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: lenet-300-100
            levels: 2
            reset: [original, rewind:500]
            controls: {reinit: 1, random_prune: 1}
            """)
        #expect(plan.summary.chains == 2)
        // The level-0 recipe of a rewinding chain keeps its weights, so it is a different trial.
        let roots = plan.trials.filter { $0.parent == nil }
        #expect(roots.count == 2)
        #expect(roots.map(\.recipe.keepWeightsAt) == [nil, 500])
        #expect(roots.allSatisfy { $0.recipe.reset == .original })
        let rewinding = plan.chains[1]
        for id in rewinding.levels.dropFirst() {
            let trial = try #require(plan[id])
            #expect(trial.recipe.reset == .rewind(iteration: 500))
            #expect(trial.recipe.keepWeightsAt == nil)
            #expect(trial.rewindSource == rewinding.levels[0])
        }
        for id in rewinding.controls {
            let control = try #require(plan[id])
            switch control.branch {
            case .control(.reinit, _):
                #expect(control.recipe.reset == .original)
                #expect(control.rewindSource == nil)
            default:
                #expect(control.recipe.reset == .rewind(iteration: 500))
                #expect(control.rewindSource == rewinding.levels[0])
            }
        }
        #expect(plan.chains[0].levels.dropFirst().allSatisfy { plan[$0]?.rewindSource == nil })
    }

    @Test func differentSeedsNeverShare() throws {
        let plan = try makePlan(minimalSweep + "\nseeds: 3")
        #expect(plan.trials.count == 9)
        #expect(plan.summary.sharedTrials == 0)
        #expect(plan.trials.filter { $0.level == 0 }.map(\.recipe.seed) == [0, 1, 2])
    }

    @Test func aCustomMLPWithThePresetsLayersIsTheSameTrial() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: {preset: lenet-300-100, hidden: [[300, 100], [600, 200]]}
            levels: 1
            """)
        // The model's name is not part of the id: lenet-300-100 and mlp-300-100 are the same layers.
        #expect(plan.summary.configs == 2)
        #expect(plan.trials.count == 4)
        let plain = try makePlan(minimalSweep.replacing("levels: 2", with: "levels: 1"))
        #expect(plain.trials.map(\.id) == Array(plan.trials.map(\.id).prefix(2)))
    }

    @Test func summaryCountsWork() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: 1000it, batch: [50, 100]}
            levels: 3
            controls: {reinit: 1}
            seeds: 2
            """)
        let summary = plan.summary
        #expect(summary.configs == 2)
        #expect(summary.chains == 4)
        #expect(summary.trials == 4 * (4 + 3))
        #expect(summary.sharedTrials == 0)
        #expect(summary.depth == 5)
        let samples: Int = 2 * 7 * 1_000 * 50 + 2 * 7 * 1_000 * 100
        #expect(summary.samples == samples)
        #expect(summary.trialsByBranch == ["dense": 4, "ticket": 12, "reinit": 12])
    }

    @Test func expectedWeightsRemaining() throws {
        let plan = try makePlan(minimalSweep)
        // LeNet: fc1 235,200, fc2 30,000, output 1,000 weights; fc at 20%, output at 10% per round.
        let level1: Double = Double(188_160 + 24_000 + 900) / 266_200
        let level2: Double = Double(150_528 + 19_200 + 810) / 266_200
        #expect(plan.trials.map(\.weightsRemaining) == [1, level1, level2])
    }

    @Test func globalPruningRemovesTheRateOfThePool() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {scope: global, rates: {fc: 0.2, output: 0}}
            levels: 1
            """)
        let level1 = try #require(plan.trials.last)
        let expected: Double = Double(265_200 - 53_040 + 1_000) / 266_200
        #expect(level1.weightsRemaining == expected)
    }
}
