import LotteryCore
import Testing

@testable import SweepPlan

/// Problems found while reading keys and values: each reported at its line and column,
/// with the key path, what was expected and, where possible, a suggestion.
@Suite struct SweepReaderTests {
    @Test func unknownKeySuggestsTheNearestKnownKey() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: fashion-mnist
            model: lenet-300-100
            training:
              lrr: 0.1
            levels: 2
            """))
        #expect(problem.code == .unknownKey)
        #expect((problem.location.line, problem.location.column) == (4, 3))
        #expect(problem.path == "training.lrr")
        #expect(problem.suggestion == "did you mean 'lr'?")
        #expect(problem.message.contains("expected one of: optimizer, lr, batch"))
        #expect(problem.description.hasPrefix("test.yaml:4:3: error: training.lrr: unknown key 'lrr'"))
    }

    @Test func unknownTopLevelKeyAndNestedControlKey() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            level: 2
            controls:
              random-prune: 1
            """)
        let unknown = found.filter { $0.code == .unknownKey }
        #expect(unknown.map(\.path) == ["level", "controls.random-prune"])
        #expect(unknown.map(\.suggestion) == ["did you mean 'levels'?", "did you mean 'random_prune'?"])
        #expect(unknown.map(\.location.line) == [3, 5])
    }

    @Test func wrongTypes() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            training:
              lr: fast
              batch: 60.5
              eval_every: [100, abc]
            pruning: 0.2
            levels: {a: 1}
            controls:
              reinit:
            """)
        #expect(found.allSatisfy { $0.code == .wrongType })
        #expect(found.map(\.path) == ["training.lr", "training.batch", "training.eval_every[1]", "pruning", "levels",
                                      "controls.reinit"])
        #expect(found.map { [$0.location.line, $0.location.column] } == [[4, 7], [5, 10], [6, 21], [7, 10], [8, 9], [10, 10]])
        #expect(found[0].message == "expected a number > 0, got 'fast'")
        #expect(found[3].message.hasPrefix("expected a mapping with keys method, scope, rates, target, rounds, output"))
        #expect(found[5].message.hasSuffix("got nothing"))
    }

    @Test func ratesOutsideTheirRange() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning:
              rates:
                fc: [0.2, 1.5, -0.1, 1]
            levels: 2
            """)
        #expect(found.map(\.code) == [.outOfRange, .outOfRange, .outOfRange])
        #expect(found.map(\.path) == ["pruning.rates.fc[1]", "pruning.rates.fc[2]", "pruning.rates.fc[3]"])
        #expect(found.map(\.location.column) == [15, 20, 26])
        #expect(found[0].message.hasPrefix("expected a pruning rate in [0, 1)"))
    }

    @Test func targetMustBeAFractionStrictlyBetweenZeroAndOne() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning: {target: [0, 1, 0.05]}
            levels: 2
            """)
        #expect(found.map(\.code) == [.outOfRange, .outOfRange])
        #expect(found.map(\.path) == ["pruning.target[0]", "pruning.target[1]"])
        #expect(found.map(\.location.line) == [3, 3])
    }

    @Test func nonPositiveLengths() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            training:
              length: 0it
              eval_every: 0
              batch: -60
              warmup: -1
            levels: 2
            reset: rewind:0
            """)
        #expect(found.map(\.path) == ["training.length", "training.eval_every", "training.batch", "training.warmup", "reset"])
        #expect(found.allSatisfy { $0.code == .outOfRange })
        #expect(found.map(\.location.line) == [4, 5, 6, 7, 9])
        #expect(found[4].suggestion == "use 'original' to reset to the initial weights")
    }

    @Test func lengthsInIterationsOrEpochs() throws {
        let sweep = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: [50_000, 3000it, 2ep]}
            levels: 0
            """)
        // The training split is 60,000 − 5,000 = 55,000 examples: 916 batches of 60.
        #expect(sweep.chains.map(\.iterations) == [50_000, 3_000, 1_832])
        #expect(sweep.axes[0].values == ["50000it", "3000it", "2ep"])
    }

    @Test func unknownPresetAndDataset() {
        let found = diagnostics("""
            dataset: cifar100
            model: lenet-300
            levels: 2
            """)
        #expect(found.map(\.code) == [.unknownName, .unknownName])
        #expect(found.map(\.path) == ["dataset", "model"])
        #expect(found.map { [$0.location.line, $0.location.column] } == [[1, 10], [2, 8]])
        #expect(found[0].suggestion == "did you mean 'cifar10'?")
        #expect(found[1].suggestion == "did you mean 'lenet-300-100'?")
        #expect(found[1].message.contains("lenet-300-100, conv-2, conv-4, conv-6"))
    }

    @Test func unknownChoices() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {optimizer: adamw}
            pruning: {method: oneshot, scope: globl}
            levels: 2
            reset: rewnd:100
            """)
        #expect(found.map(\.suggestion) == ["did you mean 'adam'?", "did you mean 'one-shot'?", "did you mean 'global'?",
                                            "did you mean 'rewind:100'?"])
    }

    @Test func emptyListIsAnEmptyGrid() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning:
              rates: {fc: []}
            levels: 2
            """))
        #expect(problem.code == .emptyGrid)
        #expect((problem.location.line, problem.location.column) == (4, 15))
        #expect(problem.path == "pruning.rates.fc")
    }

    @Test func emptySeedListIsAnEmptyGrid() throws {
        let problem = try #require(onlyDiagnostic(minimalSweep + "\nseeds: []"))
        #expect(problem.code == .emptyGrid)
        #expect(problem.location.line == 4)
    }

    @Test func repeatedAxisValues() throws {
        let problem = try #require(onlyDiagnostic(minimalSweep + "\nseeds: [1, 2, 1]"))
        #expect(problem.code == .duplicateValue)
        #expect((problem.location.line, problem.location.column) == (4, 15))
        #expect(problem.path == "seeds[2]")
    }

    @Test func nameCannotBeAnAxisAndMustNameAFolder() {
        let found = diagnostics("name: [a, b]\n" + minimalSweep + "\ndescription: fine")
        #expect(found.map(\.path) == ["name"])
        #expect(found.first?.message.contains("cannot be an axis") == true)
        let slash = diagnostics("name: runs/x\n" + minimalSweep)
        #expect(slash.map(\.path) == ["name"])
    }

    @Test func layerSizesAreOneValueOrAnAxisOfThem() throws {
        let one = try Sweep(yaml: """
            dataset: fashion-mnist
            model: {preset: lenet-300-100, hidden: [600, 200]}
            levels: 1
            """)
        #expect(one.axes.map(\.name) == ["seeds"])
        #expect(one.chains[0].model == .mlp(hidden: [600, 200]))
        let axis = try Sweep(yaml: """
            dataset: fashion-mnist
            model: {preset: lenet-300-100, hidden: [[300, 100], [1000]]}
            levels: 1
            """)
        #expect(axis.axes.first?.name == "model.hidden")
        #expect(axis.axes.first?.values == ["[300, 100]", "[1000]"])
        #expect(axis.chains.map(\.model.layers) == [[.dense(units: 300), .dense(units: 100)], [.dense(units: 1000)]])
        let bad = diagnostics("""
            dataset: fashion-mnist
            model: {preset: lenet-300-100, hidden: [300, 0]}
            levels: 1
            """)
        #expect(bad.map(\.path) == ["model.hidden[1]"])
    }

    @Test func syntaxErrorsHaveAPosition() throws {
        let problem = try #require(onlyDiagnostic("""
            model: lenet-300-100
            levels: [1, 2
            seeds: 2
            """))
        #expect(problem.code == .syntax)
        #expect(problem.location.line == 3)
        #expect(problem.message.hasPrefix("not valid YAML"))
    }

    @Test func duplicateKeysAreReported() throws {
        let problem = try #require(onlyDiagnostic(minimalSweep + "\nlevels: 3"))
        #expect(problem.code == .syntax)
        #expect(problem.message.contains("duplicate key 'levels'"))
        #expect(problem.location.line == 3)
    }

    @Test func anEmptyFileSaysWhatItNeeds() throws {
        let problem = try #require(onlyDiagnostic(""))
        #expect(problem.code == .missingKey)
        #expect(problem.message.contains("the file is empty"))
        let list = try #require(onlyDiagnostic("- a\n- b\n"))
        #expect(list.code == .wrongType)
    }

    @Test func learningRateDrops() throws {
        let sweep = try Sweep(yaml: minimalSweep + """

            training:
              lr_drops: [{at: 20000it, factor: 0.1}, {at: 25000, factor: 0.1}]
            """)
        #expect(sweep.chains[0].training.drops == [LearningRateDrop(iteration: 20_000, factor: 0.1),
                                                   LearningRateDrop(iteration: 25_000, factor: 0.1)])
        let found = diagnostics(minimalSweep + """

            training:
              lr_drops: [{at: 20000it, factr: 0.1}]
            """)
        #expect(Set(found.map(\.code)) == [.unknownKey, .missingKey])
        #expect(found.first { $0.code == .unknownKey }?.suggestion == "did you mean 'factor'?")
    }

    @Test func kernelsAreAChoiceAndAnAxis() throws {
        #expect(try Sweep(yaml: minimalSweep).chains[0].training.kernels == .auto)
        let scalar = try Sweep(yaml: minimalSweep + "\ntraining: {kernels: sparse}")
        #expect(scalar.chains.map(\.training.kernels) == [.sparse])
        // As an axis it is zipped here with one that changes the trials (see ConfigResolverTests).
        let axis = try Sweep(yaml: minimalSweep + """

            training: {kernels: [dense, Sparse], lr: [1e-3, 2e-3]}
            zip: [training.kernels, training.lr]
            """)
        #expect(axis.axes.first == SweepAxis(name: "training.kernels", values: ["dense", "sparse"]))
        #expect(axis.chains.map(\.training.kernels) == [.dense, .sparse])
    }

    @Test func anUnknownKernelChoiceSuggestsTheNearest() throws {
        let problem = try #require(onlyDiagnostic(minimalSweep + """

            training:
              kernels: sparce
            """))
        #expect(problem.code == .unknownName)
        #expect(problem.path == "training.kernels")
        #expect((problem.location.line, problem.location.column) == (5, 12))
        #expect(problem.suggestion == "did you mean 'sparse'?")
        #expect(problem.description.hasPrefix(
            "test.yaml:5:12: error: training.kernels: unknown value 'sparce'; expected one of auto, dense, sparse"))
    }
}
