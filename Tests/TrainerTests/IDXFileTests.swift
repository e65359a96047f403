import CZlib
import Foundation
import LotteryCore
import Testing

@testable import Trainer

/// IDX files written by the tests themselves: good ones, plain and compressed,
/// and each kind of bad one.
struct IDXFileTests {
    private let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "lottery-idx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    private func header(magic: UInt32, dimensions: [Int]) -> [UInt8] {
        let words: [UInt32] = [magic] + dimensions.map { UInt32($0) }
        var bytes: [UInt8] = []
        for word in words {
            for shift in [24, 16, 8, 0] as [UInt32] { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return bytes
    }

    private func images(count: Int, rows: Int = 28, columns: Int = 28) -> [UInt8] {
        header(magic: 0x803, dimensions: [count, rows, columns]) + (0..<(count * rows * columns)).map { UInt8($0 % 251) }
    }

    private func labels(count: Int, classes: Int = 10) -> [UInt8] {
        header(magic: 0x801, dimensions: [count]) + (0..<count).map { UInt8($0 % classes) }
    }

    private func write(_ bytes: [UInt8], _ name: String, compressed: Bool = false) {
        let path = folder + "/" + name
        if compressed {
            let file = gzopen(path, "wb")!
            _ = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
            gzclose(file)
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        }
    }

    private func writeDataset(compressed: Bool, train: Int = 50, test: Int = 20) {
        let suffix = compressed ? ".gz" : ""
        write(images(count: train), "train-images-idx3-ubyte" + suffix, compressed: compressed)
        write(labels(count: train), "train-labels-idx1-ubyte" + suffix, compressed: compressed)
        write(images(count: test), "t10k-images-idx3-ubyte" + suffix, compressed: compressed)
        write(labels(count: test), "t10k-labels-idx1-ubyte" + suffix, compressed: compressed)
    }

    private func load(validation: Int = 10) throws -> Dataset {
        try Dataset.load(DataSpec(dataset: "mnist", path: folder, validationSize: validation))
    }

    private func errorText(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    @Test(arguments: [false, true])
    func readsGoodFilesPlainOrCompressed(compressed: Bool) throws {
        writeDataset(compressed: compressed)
        let dataset = try load()
        #expect(dataset.trainFile.count == 50)
        #expect(dataset.test.count == 20)
        #expect(dataset.trainIndices.count == 40)
        #expect(dataset.validationIndices.count == 10)
        #expect(Set(dataset.trainIndices).isDisjoint(with: dataset.validationIndices))
        #expect(dataset.trainFile.pixels[0..<3] == [0, 1, 2])
        #expect(dataset.test.labels[0..<3] == [0, 1, 2])
    }

    @Test(arguments: [false, true])
    func theStreamedFingerprintIsTheLoadedOne(compressed: Bool) throws {
        writeDataset(compressed: compressed)
        let spec = DataSpec(dataset: "mnist", path: folder, validationSize: 10)
        let loaded = try Dataset.load(spec).fingerprint
        #expect(loaded.count == 64)
        #expect(Dataset.fingerprint(of: spec) == loaded)
        write(labels(count: 50, classes: 9), "train-labels-idx1-ubyte" + (compressed ? ".gz" : ""), compressed: compressed)
        #expect(Dataset.fingerprint(of: spec) != loaded)
    }

    @Test(arguments: [false, true])
    func eachFileHasItsOwnDigest(compressed: Bool) throws {
        writeDataset(compressed: compressed)
        let spec = DataSpec(dataset: "mnist", path: folder, validationSize: 10)
        let before = try Dataset.fileFingerprints(of: spec)
        #expect(before.combined == (try Dataset.load(spec)).fingerprint)
        #expect(before.files.keys.sorted() == DatasetInfo.Format.idx.fileNames.sorted())
        // The digest of what the file holds, compressed or not.
        #expect(before.files["t10k-labels-idx1-ubyte"] == SHA256.hexDigest(of: labels(count: 20)))
        write(labels(count: 20, classes: 9), "t10k-labels-idx1-ubyte" + (compressed ? ".gz" : ""), compressed: compressed)
        let after = try Dataset.fileFingerprints(of: spec)
        #expect(after.combined != before.combined)
        #expect(before.fileDifferences(in: after).map(\.file) == ["t10k-labels-idx1-ubyte"])
    }

    @Test func aFileMissingFromTheFingerprintIsNamed() {
        writeDataset(compressed: true)
        try? FileManager.default.removeItem(atPath: folder + "/train-labels-idx1-ubyte.gz")
        let message = errorText { _ = try Dataset.fileFingerprints(of: DataSpec(dataset: "mnist", path: folder)) }
        #expect(message.contains("train-labels-idx1-ubyte[.gz]: no such file"), "\(message)")
        #expect(Dataset.fingerprint(of: DataSpec(dataset: "mnist", path: folder)) == nil)
    }

    @Test func aTruncatedGzipStreamHasNoFingerprint() {
        writeDataset(compressed: true)
        let path = folder + "/train-images-idx3-ubyte.gz"
        let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes.prefix(bytes.count / 2)))
        let message = errorText { _ = try Dataset.fileFingerprints(of: DataSpec(dataset: "mnist", path: folder)) }
        #expect(message.contains("train-images-idx3-ubyte.gz"), "\(message)")
    }

    @Test func theValidationHoldOutIsFixedBySeed() throws {
        writeDataset(compressed: false)
        let a = try Dataset.load(DataSpec(dataset: "mnist", path: folder, validationSize: 10, splitSeed: 1))
        let b = try Dataset.load(DataSpec(dataset: "mnist", path: folder, validationSize: 10, splitSeed: 1))
        let c = try Dataset.load(DataSpec(dataset: "mnist", path: folder, validationSize: 10, splitSeed: 2))
        #expect(a.validationIndices == b.validationIndices)
        #expect(a.validationIndices != c.validationIndices)
    }

    @Test func aMissingFileIsNamed() {
        writeDataset(compressed: false)
        try? FileManager.default.removeItem(atPath: folder + "/t10k-labels-idx1-ubyte")
        let message = errorText { _ = try load() }
        #expect(message.contains("t10k-labels-idx1-ubyte"))
        #expect(message.contains("no such file"))
        #expect(message.contains("IDX label file"))
    }

    @Test func aTruncatedFileSaysHowMuchIsMissing() {
        writeDataset(compressed: false)
        write(Array(images(count: 50).dropLast(100)), "train-images-idx3-ubyte")
        let message = errorText { _ = try load() }
        #expect(message.contains("train-images-idx3-ubyte: truncated"))
        #expect(message.contains("expected 39200 bytes"))
        #expect(message.contains("found 39100"))
    }

    @Test func aTruncatedGzipStreamIsAnError() {
        writeDataset(compressed: true)
        let path = folder + "/train-images-idx3-ubyte.gz"
        let bytes = [UInt8](FileManager.default.contents(atPath: path)!)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes.prefix(bytes.count / 2)))
        let message = errorText { _ = try load() }
        #expect(message.contains("train-images-idx3-ubyte.gz"))
    }

    @Test func wrongMagicSaysWhatWasExpected() {
        writeDataset(compressed: false)
        // Labels where images belong.
        write(labels(count: 50), "train-images-idx3-ubyte")
        let message = errorText { _ = try load() }
        #expect(message.contains("train-images-idx3-ubyte: not an IDX image file (magic 0x00000803)"))
        #expect(message.contains("0x00000801"))
    }

    @Test func imagesAndLabelsMustAgree() {
        writeDataset(compressed: false)
        write(labels(count: 49), "train-labels-idx1-ubyte")
        #expect(errorText { _ = try load() }.contains("49 labels for the 50 images"))
        write(labels(count: 50, classes: 12), "train-labels-idx1-ubyte")
        #expect(errorText { _ = try load() }.contains("label 10 of example 10 is not one of the 10 classes"))
        write(labels(count: 50), "train-labels-idx1-ubyte")
        write(images(count: 50, rows: 32, columns: 32), "train-images-idx3-ubyte")
        #expect(errorText { _ = try load() }.contains("images are 32×32; mnist has 28×28"))
    }

    @Test func anEmptyFileIsTruncated() {
        writeDataset(compressed: false)
        write([], "t10k-images-idx3-ubyte")
        #expect(errorText { _ = try load() }.contains("t10k-images-idx3-ubyte: truncated"))
    }
}
