import LotteryCore
import Testing

@testable import Trainer

struct TrainingSampleTests {
    @Test func aSampleOfTheTrainingExamplesOnly() throws {
        let dataset = try syntheticDataset()
        let sample = TrainingSample.indices(of: dataset, size: 50)
        #expect(sample.count == 50)
        #expect(sample == sample.sorted())
        #expect(Set(sample).count == 50)
        #expect(Set(sample).isSubset(of: Set(dataset.trainIndices)))
        #expect(Set(sample).isDisjoint(with: Set(dataset.validationIndices)))
        // Not simply the first training examples.
        #expect(sample != Array(dataset.trainIndices.prefix(50)))
    }

    /// Every trial of a sweep measures the same examples: the sample depends on the split only.
    @Test func theSameSplitGivesTheSameSample() throws {
        let a = try syntheticDataset()
        let b = try syntheticDataset()
        #expect(TrainingSample.indices(of: a, size: 50) == TrainingSample.indices(of: b, size: 50))
        #expect(TrainingSample.indices(of: a, size: 50) == TrainingSample.indices(of: a, size: 50))
        let other = try Dataset(info: a.info, folder: a.folder, trainFile: a.trainFile, test: a.test,
                                validationSize: 100, splitSeed: 4)
        let sample = TrainingSample.indices(of: other, size: 50)
        #expect(sample != TrainingSample.indices(of: a, size: 50))
        #expect(Set(sample).isDisjoint(with: Set(other.validationIndices)))
    }

    @Test func allTrainingExamplesWhenThereAreFewerThanTheSize() throws {
        let dataset = try syntheticDataset()
        #expect(dataset.trainIndices.count < TrainingSample.size)
        #expect(TrainingSample.indices(of: dataset) == dataset.trainIndices)
        #expect(TrainingSample.indices(of: dataset, size: dataset.trainIndices.count) == dataset.trainIndices)
    }
}
