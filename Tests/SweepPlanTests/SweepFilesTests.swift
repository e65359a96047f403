import Foundation
import LotteryCore
import Testing

@testable import SweepPlan

/// The sweeps shipped in `sweeps/` validate and expand, and say what they promise.
@Suite struct SweepFilesTests {
    static let folder = packageRoot().appendingPathComponent("sweeps")

    static func load(_ name: String) throws -> Plan {
        Plan(try Sweep(contentsOf: folder.appendingPathComponent(name).path))
    }

    @Test func everyShippedSweepValidatesAndExpands() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        #expect(files.count >= 4)
        for file in files {
            let plan = try Self.load(file)
            #expect(!plan.trials.isEmpty, "\(file)")
            #expect(plan.name == Sweep.defaultName(for: file), "\(file) should be named after its file")
        }
    }

    @Test func quickstartIsSmall() throws {
        let plan = try Self.load("quickstart.yaml")
        #expect(plan.trials.allSatisfy { $0.recipe.data.dataset == "fashion-mnist" })
        #expect(plan.trials.allSatisfy { $0.recipe.model.isMultilayerPerceptron })
        #expect(plan.chains.count == 2)
        #expect(plan.chains.allSatisfy { $0.levels.count == 5 })
        #expect(plan.summary.trialsByBranch["reinit"] == 8)
        // About a minute of training at 40,000 samples a second.
        #expect(plan.summary.samples <= 3_000_000)
    }

    @Test func lenetPaperFollowsThePaper() throws {
        let plan = try Self.load("lenet-paper.yaml")
        #expect(plan.chains.count == 5)
        #expect(plan.chains.allSatisfy { $0.levels.count == 19 })
        let last = try #require(plan[plan.chains[0].levels[18]])
        #expect(abs(last.weightsRemaining - 0.0185) < 0.0005)
        #expect(last.recipe.start == .prune(PruningSpec(rates: LayerRates(fc: 0.2, output: 0.1))))
        #expect(last.recipe.training == Preset.lenet300100.training)
        #expect(plan.summary.trialsByBranch["reinit"] == 5 * 18 * 3)
    }

    @Test func lenetRatesComparesMethodsAndRounds() throws {
        let plan = try Self.load("lenet-rates.yaml")
        #expect(plan.axes.map(\.name) == ["pruning.method", "pruning.target", "pruning.rounds", "seeds"])
        #expect(plan.summary.trialsByBranch["dense"] == 3)
        #expect(plan.summary.trialsByBranch["one-shot"] ?? 0 > 0)
        #expect(plan.summary.sharedTrials > 0)
    }

    @Test func convCifar10HasTheThreeConvNets() throws {
        let plan = try Self.load("conv-cifar10.yaml")
        #expect(Set(plan.trials.map(\.recipe.model.name)) == ["conv-2", "conv-4", "conv-6"])
        #expect(plan.trials.allSatisfy { $0.recipe.data.path == "/data/cifar-10-batches-bin" })
        #expect(Set(plan.trials.map(\.iterations)) == [20_000, 25_000, 30_000])
    }

    @Test func convFashionRunsTheConvNetsOnFashionMNIST() throws {
        let plan = try Self.load("conv-fashion.yaml")
        #expect(Set(plan.trials.map(\.recipe.model.name)) == ["conv-2", "conv-4", "conv-6"])
        #expect(plan.trials.allSatisfy { $0.recipe.data.dataset == "fashion-mnist" })
        #expect(plan.chains.allSatisfy { $0.levels.count == 6 })
        // Each model keeps its preset's optimizer and rates.
        let conv6 = try #require(plan.trials.first { $0.recipe.model.name == "conv-6" && $0.level == 1 })
        #expect(conv6.recipe.training.optimizer == .adam(3e-4))
        #expect(conv6.recipe.start == .prune(PruningSpec(rates: LayerRates(conv: 0.15, fc: 0.2, output: 0.1))))
    }

    @Test func resnet18Cifar10HasThePapersThreeCurves() throws {
        let plan = try Self.load("resnet18-cifar10.yaml")
        #expect(plan.trials.allSatisfy { $0.recipe.model == Preset.resnet18.model })
        #expect(plan.trials.allSatisfy { $0.recipe.data.dataset == "cifar10" && $0.iterations == 30_000 })
        let dense = plan.trials.filter { $0.level == 0 }.map(\.recipe.training)
        let curves = Set(dense.map { "\($0.optimizer.learningRate)/\($0.warmupIterations)" })
        #expect(curves == ["0.1/0", "0.01/0", "0.03/20000"])
        #expect(dense.allSatisfy { $0.optimizer.kind == .momentum && $0.optimizer.momentum == 0.9 && $0.batchSize == 128 })
        #expect(dense.allSatisfy { $0.drops == [LearningRateDrop(iteration: 20_000, factor: 0.1),
                                                LearningRateDrop(iteration: 25_000, factor: 0.1)] })
        let ticket = try #require(plan.trials.first { $0.level == 1 && $0.branch == .ticket })
        #expect(ticket.recipe.start == .prune(PruningSpec(scope: .global, rates: LayerRates(conv: 0.2))))
        #expect(plan.chains.count == 15)
    }

    @Test func vgg19Cifar10HasThePapersThreeCurves() throws {
        let plan = try Self.load("vgg19-cifar10.yaml")
        #expect(plan.trials.allSatisfy { $0.recipe.model == Preset.vgg19.model && $0.iterations == 112_480 })
        let dense = plan.trials.filter { $0.level == 0 }.map(\.recipe.training)
        let curves = Set(dense.map { "\($0.optimizer.learningRate)/\($0.warmupIterations)" })
        #expect(curves == ["0.1/0", "0.01/0", "0.1/10000"])
        // Epochs 80 and 120 of 703 iterations (45,000 images at batch 64).
        #expect(dense.allSatisfy { $0.drops.map(\.iteration) == [56_240, 84_360] && $0.batchSize == 64 })
        let ticket = try #require(plan.trials.first { $0.level == 1 && $0.branch == .ticket })
        #expect(ticket.recipe.start == .prune(PruningSpec(scope: .global, rates: LayerRates(conv: 0.2))))
        // Global pruning of the conv layers only: 20% of 20,018,880 per round, the 5,120 fc weights kept.
        #expect(abs(ticket.weightsRemaining - (0.8 * 20_018_880 + 5_120) / 20_024_000) < 1e-6)
    }

    @Test func warmupIsAnAxisThatCanBeZippedWithTheLearningRate() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: resnet-18
            training: {lr: [0.1, 0.03], warmup: [0it, 2ep], length: 10ep}
            zip: [training.lr, training.warmup]
            levels: 1
            """)
        #expect(plan.axes.map(\.name) == ["training.lr", "training.warmup", "seeds"])
        let dense = plan.trials.filter { $0.level == 0 }.map(\.recipe.training)
        #expect(dense.map(\.optimizer.learningRate) == [0.1, 0.03])
        // 2 epochs of Fashion-MNIST's 55,000 training images at batch 128.
        #expect(dense.map(\.warmupIterations) == [0, 2 * 429])
    }
}
