import Foundation
import LotteryCore
import Testing

@testable import Trainer

/// The CIFAR-10 reader on small files in the binary format, written by the test.
final class CIFAR10FileTests {
    let folder = NSTemporaryDirectory() + "lottery-cifar-\(UUID().uuidString)"

    init() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// `count` records; record i has label i % 10 and its red, green and blue
    /// planes filled with i, 100 + i and 200 + i (mod 256).
    private func records(_ count: Int, first: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in first..<(first + count) {
            bytes.append(UInt8(index % 10))
            for channel in 0..<3 {
                bytes += [UInt8](repeating: UInt8((channel * 100 + index) % 256), count: 1024)
            }
        }
        return bytes
    }

    private func writeDataset(perFile: Int = 4) {
        for (number, name) in CIFAR10File.fileNames.enumerated() {
            _ = FileManager.default.createFile(atPath: folder + "/" + name,
                                               contents: Data(records(perFile, first: number * perFile)))
        }
    }

    private func load(validation: Int = 5) throws -> Dataset {
        try Dataset.load(DataSpec(dataset: "cifar10", path: folder, validationSize: validation))
    }

    private func errorText(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func readsTheBatchesInOrderAsChannelPlanes() throws {
        writeDataset()
        let dataset = try load()
        #expect(dataset.trainFile.count == 20)
        #expect(dataset.test.count == 4)
        #expect(dataset.trainIndices.count == 15)
        #expect(dataset.trainFile.featuresPerExample == 3 * 32 * 32)
        // Example 7 comes from data_batch_2.bin; the test file's first example is record 20.
        #expect(dataset.trainFile.labels[7] == 7)
        let example = Array(dataset.trainFile.pixels[(7 * 3072)..<(8 * 3072)])
        #expect(example[0] == 7 && example[1024] == 107 && example[2048] == 207 && example[3071] == 207)
        #expect(dataset.test.labels == [0, 1, 2, 3])
        // Per-channel normalisation: three different means.
        #expect(dataset.normalization.mean.count == 3)
        #expect(Set(dataset.normalization.mean).count == 3)
    }

    /// `unit` scales every channel by 1/255 and nothing else; `standard` centres each.
    @Test func inputsAreScaledAsTheSpecSays() throws {
        writeDataset()
        let unit = try Dataset.load(DataSpec(dataset: "cifar10", path: folder, validationSize: 5, normalize: .unit))
        #expect(unit.normalization.tables.count == 3)
        for table in unit.normalization.tables {
            #expect(table == (0..<256).map { Float(Double($0) / 255) })
        }
        #expect(unit.normalization.mean == [0, 0, 0] && unit.normalization.standardDeviation == [1, 1, 1])
        let standard = try load()
        #expect(standard.normalization.tables[0][0] < 0)
        // The cache keeps the two apart: the files are shared, the scaling is not.
        let cache = DatasetCache()
        let cachedUnit = try cache.dataset(for: DataSpec(dataset: "cifar10", path: folder, validationSize: 5, normalize: .unit))
        let cachedStandard = try cache.dataset(for: DataSpec(dataset: "cifar10", path: folder, validationSize: 5))
        #expect(cachedUnit.normalization.tables[0][0] == 0)
        #expect(cachedStandard.normalization.tables[0] == standard.normalization.tables[0])
    }

    @Test func theStreamedFingerprintIsTheLoadedOne() throws {
        writeDataset()
        let spec = DataSpec(dataset: "cifar10", path: folder, validationSize: 5)
        let loaded = try Dataset.load(spec).fingerprint
        #expect(Dataset.fingerprint(of: spec) == loaded)
        _ = FileManager.default.createFile(atPath: folder + "/data_batch_3.bin", contents: Data(records(4, first: 50)))
        #expect(Dataset.fingerprint(of: spec) != loaded)
    }

    @Test func aMissingBatchIsNamedWithWhatToPutThere() {
        writeDataset()
        try? FileManager.default.removeItem(atPath: folder + "/data_batch_4.bin")
        let message = errorText { _ = try load() }
        #expect(message.contains("data_batch_4.bin"))
        #expect(message.contains("no such file"))
        #expect(message.contains("cifar-10-binary.tar.gz"))
    }

    @Test func aFileThatIsNotWholeRecordsIsRejected() {
        writeDataset()
        _ = FileManager.default.createFile(atPath: folder + "/test_batch.bin", contents: Data(records(2, first: 0).dropLast(5)))
        let message = errorText { _ = try load() }
        #expect(message.contains("test_batch.bin"))
        #expect(message.contains("3073-byte records"))
    }

    @Test func aLabelOutsideTheClassesIsRejectedWithItsRecord() {
        writeDataset()
        var bytes = records(3, first: 0)
        bytes[2 * 3073] = 12
        _ = FileManager.default.createFile(atPath: folder + "/data_batch_1.bin", contents: Data(bytes))
        let message = errorText { _ = try load() }
        #expect(message.contains("data_batch_1.bin"))
        #expect(message.contains("record 2 has label 12"))
    }

    @Test func aConvolutionalNetworkTrainsOnIt() throws {
        writeDataset(perFile: 12)
        let dataset = try load(validation: 10)
        let model = ModelSpec(name: "small-conv", layers: [.conv3x3(channels: 4), .maxPool2x2, .dense(units: 8)])
        let training = TrainingSpec(optimizer: .adam(1e-3), batchSize: 10, length: .iterations(3), evalEvery: 3)
        let recipe = TrialRecipe(model: model, data: DataSpec(dataset: "cifar10", path: folder), training: training, seed: 1)
        let outcome = try TrialRunner.run(recipe, inputs: TrialInputs(), dataset: dataset)
        // Training sample, validation and test at iterations 0 and 3.
        #expect(outcome.evaluations.count == 6)
        #expect(outcome.summary.finalTestLoss.isFinite)
    }
}
