import LotteryCore
import Testing

@testable import SweepPlan

/// Presets merged with the file's values, and the problems only a whole combination shows.
@Suite struct ConfigResolverTests {
    @Test func aPresetBringsThePapersProtocol() throws {
        let chain = try #require(try Sweep(yaml: minimalSweep).chains.first)
        #expect(chain.model == Preset.lenet300100.model)
        #expect(chain.training == Preset.lenet300100.training)
        #expect(chain.iterations == 50_000)
        #expect(chain.pruning == PruningSchedule(method: .iterative, scope: .layerwise,
                                                 ratesPerRound: LayerRates(fc: 0.2, output: 0.1)))
        #expect(chain.data == DataSpec(dataset: "fashion-mnist", path: "/usr/share/datasets/fashion-mnist"))
        #expect(chain.reset == .original)
        #expect(chain.controls == ControlCounts())
        #expect(chain.seed == 0)
        #expect(chain.weightShapes.map(\.count) == [235_200, 30_000, 1_000])
    }

    @Test func dropoutFollowsEveryHiddenFullyConnectedLayer() throws {
        let chains = try Sweep(yaml: """
            dataset: fashion-mnist
            model: {preset: conv-2, dropout: [0, 0.5]}
            levels: 1
            """).chains
        #expect(chains.count == 2)
        #expect(chains[0].model == Preset.conv2.model)
        #expect(chains[1].model.name == "conv-2-dropout-0.5")
        #expect(chains[1].model.layers == [.conv3x3(channels: 64), .conv3x3(channels: 64), .maxPool2x2,
                                           .dense(units: 256), .dropout(rate: 0.5),
                                           .dense(units: 256), .dropout(rate: 0.5)])
        // Dropout has no weights: the same tensors are pruned.
        #expect(chains[1].weightShapes == chains[0].weightShapes)
    }

    @Test func everythingCanBeOverridden() throws {
        let chain = try #require(try Sweep(yaml: """
            dataset: {name: fashion-mnist, path: /data/fm, validation: 10000, split_seed: 4}
            model: {preset: lenet-300-100, hidden: [500, 200, 100]}
            training:
              optimizer: momentum
              lr: 0.05
              momentum: 0.8
              weight_decay: 1e-4
              batch: 128
              length: 10ep
              eval_every: 50
              warmup: 1ep
              lr_drops: [{at: 5ep, factor: 0.1}]
            pruning:
              scope: global
              rates: {fc: 0.3, output: 0.3}
            levels: 3
            reset: rewind:200
            controls: {reinit: 2, random_prune: 1}
            seeds: [11]
            """).chains.first)
        #expect(chain.model == .mlp(hidden: [500, 200, 100]))
        #expect(chain.data == DataSpec(dataset: "fashion-mnist", path: "/data/fm", validationSize: 10_000, splitSeed: 4))
        // 50,000 training examples / 128 = 390 iterations per epoch.
        #expect(chain.iterations == 3_900)
        #expect(chain.training == TrainingSpec(
            optimizer: OptimizerSpec(kind: .momentum, learningRate: 0.05, momentum: 0.8, weightDecay: 1e-4),
            batchSize: 128, length: .epochs(10), evalEvery: 50, warmupIterations: 390,
            drops: [LearningRateDrop(iteration: 1_950, factor: 0.1)]))
        #expect(chain.pruning == PruningSchedule(method: .iterative, scope: .global,
                                                 ratesPerRound: LayerRates(fc: 0.3, output: 0.3)))
        #expect(chain.reset == .rewind(iteration: 200))
        #expect(chain.controls == ControlCounts(reinit: 2, randomPrune: 1))
        #expect(chain.seed == 11)
    }

    /// Inputs are standardized unless the file says `unit`; anything else is refused where it is written.
    @Test func inputScalingIsStandardUnlessTheFileSaysUnit() throws {
        let chains = try Sweep(yaml: """
            dataset: {name: fashion-mnist, normalize: [standard, unit]}
            model: lenet-300-100
            levels: 1
            """).chains
        #expect(chains.map(\.data.normalize) == [.standard, .unit])
        #expect(try Sweep(yaml: "dataset: fashion-mnist\nmodel: lenet-300-100\nlevels: 1\n").chains[0].data.normalize == .standard)
        let problem = try #require(onlyDiagnostic("""
            dataset: {name: fashion-mnist, normalize: minmax}
            model: lenet-300-100
            levels: 1
            """))
        #expect(problem.path == "dataset.normalize")
        #expect((problem.location.line, problem.location.column) == (1, 43))
        #expect(problem.description.contains("standard") && problem.description.contains("unit"))
    }

    @Test func eachModelOfAnAxisBringsItsOwnPreset() throws {
        let sweep = try Sweep(yaml: """
            dataset: {name: cifar10, path: /nowhere/cifar-10-batches-bin}
            model: [conv-2, conv-6]
            training: {batch: 50}
            levels: 1
            """)
        #expect(sweep.chains.map(\.iterations) == [20_000, 30_000])
        #expect(sweep.chains.map(\.training.optimizer.learningRate) == [2e-4, 3e-4])
        #expect(sweep.chains.map(\.training.batchSize) == [50, 50])
        #expect(sweep.chains.map(\.pruning.ratesPerRound) == [LayerRates(conv: 0.1, fc: 0.2, output: 0.1),
                                                             LayerRates(conv: 0.15, fc: 0.2, output: 0.1)])
    }

    @Test func aTargetSetsTheRatePerRound() throws {
        let sweep = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {target: 0.1, output: [half, same, none]}
            levels: 4
            """)
        let rate = PruningSchedule.rate(reaching: 0.1, in: 4)
        #expect(abs(rate - 0.4376586748) < 1e-9)
        #expect(sweep.chains.map(\.pruning.ratesPerRound) == [
            LayerRates(fc: rate, output: PruningSchedule.canonicalRate(rate / 2)),
            LayerRates(fc: rate, output: rate),
            LayerRates(fc: rate, output: 0),
        ])
    }

    @Test func roundsToReachATargetAndLevels() throws {
        let sweep = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {target: 0.04, rounds: 2, output: same}
            levels: [1, 3]
            """)
        // The rate follows from rounds; levels only says how far to go.
        #expect(sweep.chains.map(\.levels) == [1, 3])
        #expect(sweep.chains.allSatisfy { $0.pruning.ratesPerRound == LayerRates(fc: 0.8, output: 0.8) })
        let defaulted = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {target: 0.04, rounds: [1, 2]}
            """)
        #expect(defaulted.chains.map(\.levels) == [1, 2])
        #expect(defaulted.chains.map(\.pruning.ratesPerRound.fc) == [0.96, 0.8])
        let problem = try #require(onlyDiagnostic(minimalSweep + "\npruning: {rounds: 4}"))
        #expect(problem.code == .conflict)
        #expect(problem.path == "pruning.rounds")
        #expect((problem.location.line, problem.location.column) == (4, 19))
    }

    @Test func theDatasetDefaultsToThePapersButNeedsAPath() throws {
        let problem = try #require(onlyDiagnostic("""
            model: lenet-300-100
            levels: 2
            """))
        #expect(problem.code == .missingKey)
        #expect(problem.path == "dataset")
        #expect(problem.message.contains("mnist"))
        #expect(problem.suggestion?.contains("path") == true)
        // A path that does not exist is the runner's business, not the planner's.
        let sweep = try Sweep(yaml: "model: lenet-300-100\nlevels: 2\ndataset: {name: mnist, path: /no/such/folder}")
        #expect(sweep.chains[0].data.path == "/no/such/folder")
    }

    @Test func missingModelAndLevels() {
        let found = diagnostics("dataset: fashion-mnist\n")
        #expect(found.map(\.code) == [.missingKey])
        #expect(found.map(\.path) == ["model"])
        let noLevels = diagnostics("dataset: fashion-mnist\nmodel: lenet-300-100\n")
        #expect(noLevels.map(\.path) == ["levels"])
        #expect(noLevels.first?.suggestion == "add levels: 10 to train levels 0 to 10")
    }

    @Test func rewindBeyondTheRun() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: [1000it, 5000it]}
            levels: 2
            reset: rewind:2000
            """))
        #expect(problem.code == .beyondRun)
        #expect((problem.location.line, problem.location.column) == (5, 8))
        #expect(problem.path == "reset")
        #expect(problem.message == "the rewind point, iteration 2000, is beyond the end of the run at iteration 1000 when training.length=1000it")
        #expect(problem.suggestion == "rewind to an iteration ≤ 1000")
    }

    @Test func rewindInEpochsBeyondTheRun() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: 2000it}
            levels: 2
            reset: [original, rewind:3ep]
            """))
        #expect(problem.code == .beyondRun)
        #expect((problem.location.line, problem.location.column) == (5, 19))
        #expect(problem.path == "reset")
    }

    @Test func dropsAndWarmupBeyondTheRun() {
        let found = diagnostics(minimalSweep + """

            training:
              length: 1000it
              warmup: 2000
              lr_drops: [{at: 1000, factor: 0.1}]
            """)
        #expect(found.map(\.code) == [.beyondRun, .beyondRun])
        #expect(found.map(\.path) == ["training.warmup", "training.lr_drops"])
    }

    @Test func conflictingPruningSettings() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning:
              rates: {fc: 0.2}
              target: 0.05
            levels: 3
            """)
        #expect(found.map(\.code) == [.conflict])
        #expect(found.first?.location.line == 5)

        let output = diagnostics(minimalSweep + "\npruning: {output: same}")
        #expect(output.map(\.path) == ["pruning.output"])
        #expect(output.first?.suggestion == "set pruning.rates.output instead")

        let noLevels = diagnostics("dataset: fashion-mnist\nmodel: lenet-300-100\nlevels: 0\npruning: {target: 0.5}")
        #expect(noLevels.map(\.code) == [.conflict])
    }

    @Test func globalPruningNeedsOneRate() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {scope: global}
            levels: 3
            """))
        #expect(problem.code == .conflict)
        #expect((problem.location.line, problem.location.column) == (3, 18))
        #expect(problem.message.contains("fc 0.2, output 0.1"))
    }

    @Test func nothingToPrune() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning:
              rates: {fc: 0, output: 0, conv: 0.3}
            levels: 3
            """))
        #expect(problem.code == .conflict)
        #expect(problem.location.line == 4)
        // Dense runs alone are fine.
        #expect(diagnostics("dataset: fashion-mnist\nmodel: lenet-300-100\nlevels: 0\npruning: {rates: {fc: 0, output: 0}}").isEmpty)
    }

    @Test func hiddenSizesOnlyForMLPs() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: {name: cifar10, path: /data}
            model: {preset: conv-2, hidden: [512]}
            levels: 3
            """))
        #expect(problem.code == .conflict)
        #expect(problem.path == "model.hidden")
        #expect(problem.location.line == 2)
    }

    @Test func sparseKernelsNeedAModelWithoutNormalizedConvolutions() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: {name: cifar10, path: /data}
            model: vgg-19
            training: {kernels: sparse}
            levels: 1
            """))
        #expect(problem.code == .conflict)
        #expect(problem.path == "training.kernels")
        #expect((problem.location.line, problem.location.column) == (3, 21))
        #expect(problem.description == "test.yaml:3:21: error: training.kernels: sparse needs a sparse kernel for every "
            + "prunable layer, but vgg-19 has convolutions with batch normalization (conv1, conv2, …, conv16; 16 in all), "
            + "which train dense only (use auto, which picks sparse kernels for the layers where they are faster, or dense)")
        // Only where such a model meets sparse, at that value; a long list is shortened.
        let found = diagnostics("""
            dataset: {name: cifar10, path: /data}
            model: [conv-2, resnet-18]
            training: {kernels: [dense, sparse]}
            zip: [model, training.kernels]
            levels: 1
            """)
        #expect(found.map { [$0.location.line, $0.location.column] } == [[3, 29]])
        #expect(found.first?.message.contains("resnet-18 has convolutions with batch normalization "
            + "(conv1, conv2, …, conv19; 21 in all)") == true)
        // Plain convolutions have a sparse kernel: Conv-2/4/6 take sparse.
        #expect(diagnostics("""
            dataset: {name: cifar10, path: /data}
            model: [conv-2, conv-4, conv-6]
            training: {kernels: sparse}
            levels: 1
            """).isEmpty)
        // Fully connected models take sparse, with dropout too; every model takes the others.
        #expect(diagnostics("""
            dataset: fashion-mnist
            model: {preset: lenet-300-100, hidden: [500], dropout: 0.5}
            training: {kernels: sparse}
            levels: 1
            """).isEmpty)
        #expect(diagnostics("dataset: {name: cifar10, path: /data}\nmodel: vgg-19\ntraining: {kernels: dense}\nlevels: 1").isEmpty)
        #expect(diagnostics("dataset: {name: cifar10, path: /data}\nmodel: conv-4\ntraining: {kernels: auto}\nlevels: 1").isEmpty)
    }

    @Test func anAxisOfKernelsAloneWouldRunTheSameTrialsTwice() throws {
        let problem = try #require(onlyDiagnostic(minimalSweep + "\ntraining: {kernels: [dense, sparse]}"))
        #expect(problem.code == .conflict)
        #expect(problem.path == "training.kernels")
        #expect((problem.location.line, problem.location.column) == (4, 12))
        #expect(problem.message.hasPrefix("configs that differ only in kernels (dense, sparse) train the same trials"))
        #expect(problem.suggestion == "give training.kernels one value, or zip it with an axis that changes the trials, like model")
        // Zipped with the model, each config has its own trials.
        let zipped = try Sweep(yaml: """
            dataset: {name: cifar10, path: /data}
            model: [lenet-300-100, conv-2]
            training: {kernels: [sparse, dense]}
            zip: [model, training.kernels]
            levels: 1
            """)
        #expect(zipped.chains.map(\.training.kernels) == [.sparse, .dense])
    }

    @Test func batchLargerThanTheData() throws {
        let problem = try #require(onlyDiagnostic(minimalSweep + "\ntraining: {batch: 60000}"))
        #expect(problem.code == .outOfRange)
        #expect(problem.path == "training.batch")
        let validation = try #require(onlyDiagnostic("""
            dataset: {name: fashion-mnist, validation: 60000}
            model: lenet-300-100
            levels: 1
            """))
        #expect(validation.path == "dataset.validation")
    }

    @Test func ratesOfKindsAModelLacksAreZero() throws {
        let sweep = try Sweep(yaml: minimalSweep + "\npruning: {rates: {conv: 0.5}}")
        #expect(sweep.chains[0].pruning.ratesPerRound == LayerRates(fc: 0.2, output: 0.1))
    }

    @Test func oneProblemInManyCombinationsIsReportedOnce() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: 1000it, lr: [1e-3, 2e-3, 3e-3]}
            levels: [1, 2]
            reset: rewind:5000
            seeds: 4
            """)
        #expect(found.count == 1)
    }
}
