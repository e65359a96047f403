import LotteryCore

#if canImport(Glibc)
import Glibc
#endif

/// A dataset in memory: the training file split into training and validation
/// examples by a seed, the test file, and the normalisation of its inputs.
public final class Dataset: Sendable {
    public let info: DatasetInfo
    /// Every example of the training file(s); `trainIndices` and
    /// `validationIndices` select from it.
    public let trainFile: Examples
    public let test: Examples
    public let trainIndices: [Int32]
    public let validationIndices: [Int32]
    public let normalization: Normalization
    /// The folder it was read from.
    public let folder: String
    /// SHA-256 of its files' decompressed contents, concatenated in a fixed order
    /// (IDX: train images, train labels, test images, test labels): workers report
    /// it so that a trial never runs on data that differs from the sweep's.
    public let fingerprint: String

    public init(info: DatasetInfo, folder: String, trainFile: Examples, test: Examples,
                validationSize: Int, splitSeed: UInt64, normalize: InputScaling = .standard,
                fingerprint: String = "") throws {
        guard validationSize >= 0, validationSize < trainFile.count else {
            throw DataError.unsupported(
                "validation size \(validationSize) must be between 0 and \(trainFile.count - 1), "
                    + "the training examples of \(info.name) in \(folder)")
        }
        self.info = info
        self.folder = folder
        self.fingerprint = fingerprint
        self.trainFile = trainFile
        self.test = test
        // Which examples are held out depends on the split seed only, so every
        // trial of a sweep validates on the same examples.
        var order = (0..<Int32(trainFile.count)).map { $0 }
        var generator = SeededGenerator(seed: splitSeed, stream: "validation-split")
        generator.shuffle(&order)
        self.validationIndices = order[0..<validationSize].sorted()
        self.trainIndices = order[validationSize...].sorted()
        self.normalization = Normalization(of: trainFile, channels: info.inputShape[0], scaling: normalize)
    }

    /// Reads the dataset a run asks for.
    public static func load(_ spec: DataSpec) throws -> Dataset {
        guard let info = DatasetInfo.named(spec.dataset) else {
            throw DataError.unsupported(
                "unknown dataset '\(spec.dataset)'; known: \(DatasetInfo.all.map(\.name).joined(separator: ", "))")
        }
        guard let folder = spec.path ?? info.defaultPath else {
            throw DataError.unsupported("dataset '\(info.name)' has no standard location; give the folder of its files")
        }
        switch info.format {
        case .idx:
            if spec.path == nil, info == .fashionMNIST, access(folder, F_OK) != 0 {
                throw DataError.missing(folder, expected: "Fashion-MNIST's IDX files; install them with "
                    + "'apt-get install dataset-fashion-mnist' (scripts/install-deps does) or give their folder")
            }
            var fingerprint = SHA256()
            let train = try readIDXPair(folder: folder, prefix: "train", info: info, fingerprint: &fingerprint)
            let test = try readIDXPair(folder: folder, prefix: "t10k", info: info, fingerprint: &fingerprint)
            return try Dataset(info: info, folder: folder, trainFile: train, test: test,
                               validationSize: spec.validationSize, splitSeed: spec.splitSeed,
                               normalize: spec.normalize, fingerprint: fingerprint.hexDigest())
        case .cifar10Binary:
            var fingerprint = SHA256()
            let train = try CIFAR10File.read(folder: folder, names: CIFAR10File.trainFileNames, info: info,
                                             fingerprint: &fingerprint)
            let test = try CIFAR10File.read(folder: folder, names: CIFAR10File.testFileNames, info: info,
                                            fingerprint: &fingerprint)
            return try Dataset(info: info, folder: folder, trainFile: train, test: test,
                               validationSize: spec.validationSize, splitSeed: spec.splitSeed,
                               normalize: spec.normalize, fingerprint: fingerprint.hexDigest())
        }
    }

    /// `PREFIX-images-idx3-ubyte[.gz]` and `PREFIX-labels-idx1-ubyte[.gz]` from `folder`.
    static func readIDXPair(folder: String, prefix: String, info: DatasetInfo,
                            fingerprint: inout SHA256) throws -> Examples {
        let imagesPath = locate(folder: folder, name: "\(prefix)-images-idx3-ubyte")
        let labelsPath = locate(folder: folder, name: "\(prefix)-labels-idx1-ubyte")
        let images = try IDXFile.read(imagesPath, kind: .images, fingerprint: &fingerprint)
        let labels = try IDXFile.read(labelsPath, kind: .labels, fingerprint: &fingerprint)
        let expectedShape = [info.inputShape[1], info.inputShape[2]]
        guard Array(images.dimensions[1...]) == expectedShape else {
            throw DataError.mismatch(imagesPath, "images are \(images.dimensions[1])×\(images.dimensions[2]); "
                + "\(info.name) has \(expectedShape[0])×\(expectedShape[1])")
        }
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DataError.mismatch(labelsPath, "\(labels.dimensions[0]) labels for the "
                + "\(images.dimensions[0]) images of \(imagesPath)")
        }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= info.classes }) {
            throw DataError.mismatch(labelsPath, "label \(labels.bytes[bad]) of example \(bad) is not one of "
                + "the \(info.classes) classes 0–\(info.classes - 1)")
        }
        return Examples(pixels: images.bytes, labels: labels.bytes,
                        featuresPerExample: expectedShape[0] * expectedShape[1])
    }

    /// The IDX files of a dataset, in the order the fingerprint hashes them.
    static let idxFileNames = ["train", "t10k"].flatMap { ["\($0)-images-idx3-ubyte", "\($0)-labels-idx1-ubyte"] }

    /// The compressed file if present, else the plain one (named in errors if neither is).
    static func locate(folder: String, name: String) -> String {
        let base = folder.hasSuffix("/") ? folder + name : folder + "/" + name
        if access(base + ".gz", F_OK) == 0 { return base + ".gz" }
        if access(base, F_OK) == 0 { return base }
        return base + "[.gz]"
    }
}
