import Foundation
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
}
