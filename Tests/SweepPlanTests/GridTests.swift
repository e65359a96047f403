import LotteryCore
import Testing

@testable import SweepPlan

/// How axes combine: cartesian products, `zip:` and `exclude:`.
@Suite struct GridTests {
    @Test func axesCombineAsACartesianProduct() throws {
        let sweep = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            training: {lr: [1e-3, 2e-3]}
            pruning:
              rates: {fc: [0.1, 0.2, 0.4]}
            levels: 2
            seeds: 2
            """)
        #expect(sweep.configs.count == 6)
        #expect(sweep.chains.count == 12)
        #expect(sweep.axes.map(\.name) == ["training.lr", "pruning.rates.fc", "seeds"])
        // File order, first axis slowest, seeds fastest.
        #expect(sweep.chains.prefix(4).map { $0.parameters.map(\.value) } == [
            ["1e-3", "0.1", "0"], ["1e-3", "0.1", "1"], ["1e-3", "0.2", "0"], ["1e-3", "0.2", "1"],
        ])
        #expect(sweep.chains.map(\.config) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        #expect(sweep.chains[11].training.optimizer.learningRate == 2e-3)
        #expect(sweep.chains[11].pruning.ratesPerRound.fc == 0.4)
        #expect(sweep.chains[11].seed == 1)
    }

    @Test func seedsVaryFastestWhereverTheyAreWritten() throws {
        let sweep = try Sweep(yaml: """
            seeds: [3, 7]
            dataset: fashion-mnist
            model: lenet-300-100
            levels: [1, 2]
            """)
        #expect(sweep.axes.map(\.name) == ["levels", "seeds"])
        #expect(sweep.chains.map(\.seed) == [3, 7, 3, 7])
        #expect(sweep.chains.map(\.levels) == [1, 1, 2, 2])
    }

    @Test func zippedAxesVaryTogether() throws {
        let sweep = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            pruning:
              rates:
                fc: [0.1, 0.2, 0.4]
                output: [0.05, 0.1, 0.2]
            levels: [2, 4]
            seeds: 2
            zip:
              - [pruning.rates.fc, pruning.rates.output]
            """)
        #expect(sweep.configs.count == 6)
        #expect(sweep.chains.count == 12)
        let pairs = Set(sweep.chains.map { [$0.pruning.ratesPerRound.fc, $0.pruning.ratesPerRound.output] })
        #expect(pairs == [[0.1, 0.05], [0.2, 0.1], [0.4, 0.2]])
    }

    @Test func aSingleZipGroupMayBeWrittenFlat() throws {
        let sweep = try Sweep(yaml: """
            dataset: fashion-mnist
            model: [lenet-300-100, conv-2]
            training: {lr: [1.2e-3, 2e-4]}
            levels: 1
            zip: [model, training.lr]
            """)
        #expect(sweep.chains.map(\.model.name) == ["lenet-300-100", "conv-2"])
        #expect(sweep.chains.map(\.training.optimizer.learningRate) == [1.2e-3, 2e-4])
    }

    @Test func zipAcceptsNestedKeyPaths() throws {
        let sweep = try Sweep(yaml: """
            dataset: {name: [fashion-mnist, cifar10], path: [/a, /b]}
            model: {preset: [lenet-300-100, conv-2]}
            levels: 1
            zip: [[dataset.name, dataset.path, model.preset]]
            """)
        #expect(sweep.chains.map(\.data.dataset) == ["fashion-mnist", "cifar10"])
        #expect(sweep.chains.map(\.model.name) == ["lenet-300-100", "conv-2"])
    }

    @Test func excludeRemovesCombinations() throws {
        let sweep = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            pruning:
              method: [iterative, one-shot]
              rates: {fc: [0.1, 0.2, 0.4]}
            levels: [2, 5]
            seeds: 3
            exclude:
              - {pruning.method: one-shot, levels: 5}
              - {pruning.rates.fc: [0.1, 0.4], levels: 2}
            """)
        // 2 × 3 × 2 = 12, less one-shot at 5 levels (3), less fc 0.1 and 0.4 at 2 levels (4),
        // one of which (one-shot, 0.1 or 0.4, 2 levels) is counted once: 12 − 3 − 4 = 5.
        #expect(sweep.configs.count == 5)
        #expect(sweep.chains.count == 15)
        #expect(!sweep.chains.contains { $0.pruning.method == .oneShot && $0.levels == 5 })
        #expect(!sweep.chains.contains { $0.levels == 2 && $0.pruning.ratesPerRound.fc != 0.2 })
    }

    @Test func excludingEverythingIsAnEmptyGrid() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: fashion-mnist
            model: lenet-300-100
            levels: [1, 2]
            exclude:
              - {levels: [1, 2]}
            """))
        #expect(problem.code == .emptyGrid)
        #expect((problem.location.line, problem.location.column) == (5, 5))
        #expect(problem.message.contains("every one of the 2 combinations"))
    }

    @Test func zipOfUnequalLengths() throws {
        let problem = try #require(onlyDiagnostic("""
            dataset: fashion-mnist
            model: lenet-300-100
            pruning:
              rates:
                fc: [0.1, 0.2, 0.4]
                output: [0.05, 0.1]
            levels: 2
            zip:
              - [pruning.rates.fc, pruning.rates.output]
            """))
        #expect(problem.code == .zip)
        #expect((problem.location.line, problem.location.column) == (9, 5))
        #expect(problem.path == "zip[0]")
        #expect(problem.message.contains("pruning.rates.fc has 3, pruning.rates.output has 2"))
    }

    @Test func zipProblems() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {lr: 0.1, batch: [60, 120]}
            pruning: {rates: {fc: [0.1, 0.2]}}
            levels: [1, 2]
            zip:
              - [training.lr, training.batch]
              - [pruning.rates.fc, pruning.rats.output]
              - [levels]
              - [levels, training.batch]
              - [training.batch, levels]
            """)
        #expect(found.map(\.code) == [.zip, .unknownKey, .zip, .zip, .zip])
        #expect(found.map(\.path) == ["zip[0][0]", "zip[1][1]", "zip[2]", "zip[4][0]", "zip[4][1]"])
        #expect(found[0].message.contains("'training.lr' is not an axis"))
        #expect(found[1].suggestion == "did you mean 'pruning.rates.output'?")
        #expect(found[2].message.contains("at least two axes"))
        #expect(found[3].message.contains("already zipped"))
    }

    @Test func excludeProblems() {
        let found = diagnostics("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {lr: 0.1}
            levels: [1, 2]
            exclude:
              - {levels: 3}
              - {training.lr: 0.1}
              - {levls: 1}
              - levels
            """)
        #expect(found.map(\.code) == [.exclude, .exclude, .unknownKey, .wrongType])
        #expect(found.map(\.location.line) == [6, 7, 8, 9])
        #expect(found[0].message == "'levels' has no value 3; its values are 1, 2")
        #expect(found[1].message.contains("not an axis"))
        #expect(found[2].suggestion == "did you mean 'levels'?")
    }

    @Test func excludeMatchesNumbersByValue() throws {
        let sweep = try Sweep(yaml: """
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: [1000it, 2ep]}
            pruning: {rates: {fc: [0.10, 0.2]}}
            levels: 1
            exclude:
              - {pruning.rates.fc: 0.1, training.length: 1000}
            """)
        #expect(sweep.chains.count == 3)
    }

    @Test func tooLargeAGrid() throws {
        let values = (1...101).map(String.init).joined(separator: ", ")
        let problem = try #require(onlyDiagnostic("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {batch: [\(values)], eval_every: [\(values)]}
            levels: [\(values)]
            """))
        #expect(problem.code == .tooLarge)
    }
}
