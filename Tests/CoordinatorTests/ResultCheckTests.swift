@testable import Coordinator
import LotteryCore
import Testing
import Wire

/// What the coordinator finds wrong with a result's artifacts before it takes them.
struct ResultCheckTests {
    private static func recipe(_ preset: Preset = .lenet300100, dataset: String = "fashion-mnist",
                               keepWeightsAt: Int? = nil) -> TrialRecipe {
        TrialRecipe(model: preset.model, data: DataSpec(dataset: dataset), training: preset.training, seed: 1,
                    keepWeightsAt: keepWeightsAt)
    }

    /// An honest result of `recipe` as the trainer would make it: every weight kept,
    /// the layers as the model has them.
    private static func result(_ recipe: TrialRecipe, kept: [String: Int] = [:]) throws -> WireMessage.TrialResult {
        let dataset = try #require(DatasetInfo.named(recipe.data.dataset))
        let shapes = recipe.model.weightShapes(input: dataset.inputShape, classes: dataset.classes)
        var bits: [Bool] = []
        for shape in shapes {
            let count = kept[shape.name] ?? shape.count
            bits += Array(repeating: true, count: count) + Array(repeating: false, count: shape.count - count)
        }
        let values = recipe.model.snapshotValueCount(input: dataset.inputShape, classes: dataset.classes)
        var artifacts: [ArtifactRole: Artifact] = [.mask: .mask(bits), .finalWeights: .weights(Array(repeating: 0.25, count: values))]
        if recipe.keepWeightsAt != nil { artifacts[.rewindWeights] = .weights(Array(repeating: -0.5, count: values)) }
        let summary = RunSummary(
            iterations: 100, earlyStopIteration: 100, minValidationLoss: 0.5, earlyStopTestAccuracy: 0.8,
            finalValidationLoss: 0.5, finalValidationAccuracy: 0.8, finalTestLoss: 0.5, finalTestAccuracy: 0.8,
            layers: shapes.map { LayerDensity(name: $0.name, kind: $0.kind, remaining: kept[$0.name] ?? $0.count, total: $0.count) },
            seconds: 1)
        return WireMessage.TrialResult(lease: "L1", trial: "0c2b0d2a6ce5e2f1", attempt: 2, summary: summary, artifacts: artifacts)
    }

    @Test func anHonestResultPasses() throws {
        for recipe in [Self.recipe(), Self.recipe(.conv2, dataset: "cifar10", keepWeightsAt: 500),
                       Self.recipe(.resnet18, dataset: "cifar10", keepWeightsAt: 0)] {
            #expect(ResultCheck(recipe: recipe).problems(in: try Self.result(recipe)) == [], "\(recipe.model.name)")
        }
        let pruned = Self.recipe()
        let sparse = try Self.result(pruned, kept: ["fc1": 47_040, "fc2": 6_000, "output": 900])
        #expect(ResultCheck(recipe: pruned).failure(of: sparse, from: "w") == nil)
    }

    @Test func wrongSizesAreNamedWithTheModelsCounts() throws {
        let recipe = Self.recipe()
        var result = try Self.result(recipe)
        result.artifacts[.mask] = .mask(Array(repeating: true, count: 10))
        result.artifacts[.finalWeights] = .weights([1])
        #expect(ResultCheck(recipe: recipe).failure(of: result, from: "node-7-3fa9c2e1")
            == "RESULT of 0c2b0d2a6ce5e2f1 attempt 2 from worker node-7-3fa9c2e1: final-weights has 1 value, model "
            + "lenet-300-100 on fashion-mnist has 266,610 parameters and running statistics; mask has 10 bits, model "
            + "lenet-300-100 on fashion-mnist has 266,200 prunable weights")
    }

    @Test func rewindWeightsComeExactlyWhenTheRecipeKeepsThem() throws {
        let keeping = Self.recipe(keepWeightsAt: 100)
        var result = try Self.result(keeping)
        result.artifacts[.rewindWeights] = nil
        #expect(ResultCheck(recipe: keeping).problems(in: result)
            == ["it has no rewind-weights artifact, but the recipe keeps the weights at iteration 100"])
        let plain = Self.recipe()
        result = try Self.result(plain)
        result.artifacts[.rewindWeights] = result.artifacts[.finalWeights]
        #expect(ResultCheck(recipe: plain).problems(in: result) == ["it has a rewind-weights artifact, but the recipe keeps no weights"])
        result.artifacts = [:]
        #expect(ResultCheck(recipe: plain).problems(in: result) == ["it has no mask artifact", "it has no final-weights artifact"])
    }

    @Test func weightsThatAreNotFiniteAreCounted() throws {
        let recipe = Self.recipe(keepWeightsAt: 0)
        var result = try Self.result(recipe)
        var values = try #require(result.artifacts[.finalWeights]).weights()
        values[12] = .nan
        values[70_000] = -.infinity
        result.artifacts[.finalWeights] = .weights(values)
        values = try #require(result.artifacts[.rewindWeights]).weights()
        values[266_609] = .infinity
        result.artifacts[.rewindWeights] = .weights(values)
        #expect(ResultCheck(recipe: recipe).problems(in: result) == [
            "final-weights has 2 values that are not finite, the first at index 12 (nan)",
            "rewind-weights has 1 value that is not finite, the first at index 266,609 (inf)",
        ])
    }

    @Test func theMaskMustKeepWhatTheSummarySays() throws {
        let recipe = Self.recipe()
        var result = try Self.result(recipe, kept: ["fc2": 6_000])
        result.summary.layers[1].remaining = 6_001
        result.summary.layers[2].total = 999
        #expect(ResultCheck(recipe: recipe).problems(in: result) == [
            "mask keeps 6,000 weights of fc2, the summary says 6,001",
            "the summary gives output 999 weights, model lenet-300-100 on fashion-mnist has 1,000",
        ])
        result.summary.layers.removeLast()
        #expect(ResultCheck(recipe: recipe).problems(in: result)
            == ["the summary lists the layers fc1, fc2, model lenet-300-100 on fashion-mnist has fc1, fc2, output"])
    }

    @Test func keptBitsCountsAnyRange() throws {
        let mask = Artifact.mask((0 ..< 100).map { $0 % 3 == 0 })
        let (_, bits) = try mask.packedMask()
        for start in [0, 1, 7, 8, 13, 50] {
            for count in [0, 1, 5, 8, 9, 30, 100 - start] where start + count <= 100 {
                let expected = (start ..< start + count).filter { $0 % 3 == 0 }.count
                #expect(ResultCheck.keptBits(bits, from: start, count: count) == expected, "\(start) \(count)")
            }
        }
    }

    @Test func numbersAreGroupedByThousands() {
        #expect(ResultCheck.grouped(0) == "0")
        #expect(ResultCheck.grouped(999) == "999")
        #expect(ResultCheck.grouped(1_000) == "1,000")
        #expect(ResultCheck.grouped(266_200) == "266,200")
        #expect(ResultCheck.grouped(20_024_000) == "20,024,000")
    }
}
