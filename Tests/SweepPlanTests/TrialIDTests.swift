import Foundation
import LotteryCore
import Testing

/// Pinned ids: if one of these changes, every journal's finished trials would be rerun.
/// Change them only on purpose, and say so in the commit.
@Suite struct TrialIDTests {
    static let dense = TrialRecipe(
        model: Preset.lenet300100.model, data: DataSpec(dataset: "fashion-mnist"),
        training: TrainingSpec(optimizer: .adam(1.2e-3), batchSize: 60, length: .iterations(50_000)), seed: 0)

    @Test func denseLeNetCanonicalFormIsPinned() {
        #expect(Self.dense.canonicalForm(parent: nil).text == """
            model.layers=dense:300,dense:100
            data.dataset=fashion-mnist
            training.optimizer=adam
            training.learning_rate=0.0012
            training.batch_size=60
            training.length=50000it
            seed=0

            """)
    }

    @Test func pinnedIds() throws {
        let dense = TrialID(recipe: Self.dense, parent: nil)
        #expect(dense.rawValue == "04a58edf638e8576")

        var level1 = Self.dense
        level1.start = .prune(PruningSpec(rates: LayerRates(fc: 0.2, output: 0.1)))
        let ticket = TrialID(recipe: level1, parent: dense)
        #expect(ticket.rawValue == "60d56dd73d98b9fe")

        var reinit = level1
        reinit.start = .control(.reinit, replicate: 1)
        #expect(TrialID(recipe: reinit, parent: ticket).rawValue == "c7f09a86f19cbf08")

        var rewinding = Self.dense
        rewinding.keepWeightsAt = 500
        rewinding.training.optimizer = OptimizerSpec(kind: .momentum, learningRate: 0.1, momentum: 0.95, weightDecay: 1e-4)
        rewinding.training.drops = [LearningRateDrop(iteration: 20_000, factor: 0.1)]
        #expect(rewinding.canonicalForm(parent: nil).text == """
            model.layers=dense:300,dense:100
            data.dataset=fashion-mnist
            training.optimizer=momentum
            training.learning_rate=0.1
            training.momentum=0.95
            training.weight_decay=0.0001
            training.batch_size=60
            training.length=50000it
            training.lr_drops=20000*0.1
            seed=0
            keep_weights_at=500

            """)
        #expect(TrialID(recipe: rewinding, parent: nil).rawValue == "030172d1b2fa4de2")
    }

    /// The deeper presets' new layers as ids spell them: pinned from their first
    /// version on, like the others.
    @Test func resnetAndVGGCanonicalFormsArePinned() {
        let resnet = TrialRecipe(model: Preset.resnet18.model, data: DataSpec(dataset: "cifar10"),
                                 training: Preset.resnet18.training, seed: 0)
        #expect(resnet.canonicalForm(parent: nil).text == """
            model.layers=convbn3x3:16,residual:16,residual:16,residual:16,residual:32/s2,residual:32,residual:32,\
            residual:64/s2,residual:64,residual:64,avgpool:global
            data.dataset=cifar10
            training.optimizer=momentum
            training.learning_rate=0.1
            training.weight_decay=0.0001
            training.batch_size=128
            training.length=30000it
            training.lr_drops=20000*0.1,25000*0.1
            seed=0

            """)
        #expect(TrialID(recipe: resnet, parent: nil).rawValue == "7b16832693381d6d")
        var vgg = TrialRecipe(model: Preset.vgg19.model, data: DataSpec(dataset: "cifar10"),
                              training: Preset.vgg19.training, seed: 0)
        vgg.training.warmupIterations = 10_000
        let vggLayers: String = """
            model.layers=convbn3x3:64,convbn3x3:64,maxpool2x2,convbn3x3:128,convbn3x3:128,maxpool2x2,\
            convbn3x3:256,convbn3x3:256,convbn3x3:256,convbn3x3:256,maxpool2x2,\
            convbn3x3:512,convbn3x3:512,convbn3x3:512,convbn3x3:512,maxpool2x2,\
            convbn3x3:512,convbn3x3:512,convbn3x3:512,convbn3x3:512,avgpool:global
            """
        #expect(vgg.canonicalForm(parent: nil).lines.first == vggLayers)
        #expect(vgg.canonicalForm(parent: nil).lines.contains("training.warmup_iterations=10000"))
        #expect(TrialID(recipe: vgg, parent: nil).rawValue == "047073dbe2dbfff6")
    }

    @Test func idsFromASweepFileArePinned() throws {
        let plan = try makePlan("""
            dataset: fashion-mnist
            model: lenet-300-100
            training: {length: 2500it}
            pruning: {target: 0.1}
            levels: 4
            controls: {reinit: 1}
            seeds: 2
            """)
        #expect(plan.chains[0].levels.map(\.rawValue) == [
            "2316ade223fedcd4", "d6be54cbfc8b3582", "17a84bb567fafdca", "12768f0a8b7b5779", "4493c5acf4b3823f",
        ])
        #expect(plan.chains[1].levels[0].rawValue == "1b490de113309aaa")
        #expect(plan.chains[0].controls[0].rawValue == "6f8115502650637d")
    }

    @Test func valuesEqualToDefaultsDoNotChangeTheId() {
        var explicit = Self.dense
        explicit.data = DataSpec(dataset: "fashion-mnist", path: "/elsewhere", validationSize: 5_000, splitSeed: 0,
                                 normalize: .standard)
        explicit.training.evalEvery = 100
        explicit.training.optimizer.momentum = 0.5  // not used by Adam
        #expect(TrialID(recipe: explicit, parent: nil) == TrialID(recipe: Self.dense, parent: nil))
    }

    /// Dense and sparse products agree up to float summation order: switching a finished
    /// sweep's kernels must not rerun its trials.
    @Test func kernelsDoNotChangeTheId() {
        var pruned = Self.dense
        pruned.start = .prune(PruningSpec(rates: LayerRates(fc: 0.2, output: 0.1)))
        let parent = TrialID(recipe: Self.dense, parent: nil)
        for recipe in [Self.dense, pruned] {
            let ids = KernelChoice.allCases.map { kernels in
                var recipe = recipe
                recipe.training.kernels = kernels
                return TrialID(recipe: recipe, parent: recipe.start == .dense ? nil : parent)
            }
            #expect(Set(ids).count == 1)
        }
        var sparse = Self.dense
        sparse.training.kernels = .sparse
        #expect(sparse.canonicalForm(parent: nil) == Self.dense.canonicalForm(parent: nil))
        #expect(TrialID(recipe: sparse, parent: nil).rawValue == "04a58edf638e8576")
    }

    @Test func everyOutcomeDecidingFieldChangesTheId() {
        let base = TrialID(recipe: Self.dense, parent: nil)
        var changes: [TrialRecipe] = []
        var recipe = Self.dense
        recipe.seed = 1; changes.append(recipe); recipe = Self.dense
        recipe.training.batchSize = 64; changes.append(recipe); recipe = Self.dense
        recipe.training.length = .epochs(10); changes.append(recipe); recipe = Self.dense
        recipe.training.optimizer.learningRate = 1e-3; changes.append(recipe); recipe = Self.dense
        recipe.data.validationSize = 1_000; changes.append(recipe); recipe = Self.dense
        recipe.model = .mlp(hidden: [300]); changes.append(recipe); recipe = Self.dense
        recipe.keepWeightsAt = 100; changes.append(recipe); recipe = Self.dense
        recipe.reset = .rewind(iteration: 100); changes.append(recipe); recipe = Self.dense
        recipe.data.normalize = .unit; changes.append(recipe)
        let ids = changes.map { TrialID(recipe: $0, parent: nil) }
        #expect(!ids.contains(base))
        #expect(Set(ids).count == ids.count)
        #expect(TrialID(recipe: Self.dense, parent: base) != base)
    }

    @Test func parsesAndCodesAsSixteenHexDigits() throws {
        #expect(TrialID("0123456789ABCDEF")?.rawValue == "0123456789abcdef")
        #expect(TrialID("0123") == nil)
        #expect(TrialID("0123456789abcdeg") == nil)
        let id = try #require(TrialID("00ff00ff00ff00ff"))
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == "[\"00ff00ff00ff00ff\"]")
        #expect(try JSONDecoder().decode([TrialID].self, from: data) == [id])
    }
}
