/// A dataset the trainer can read, with the facts the planner needs about it.
public struct DatasetInfo: Hashable, Sendable {
    /// `fashion-mnist`, `mnist`, `cifar10`.
    public let name: String
    public let format: Format
    /// `[channels, height, width]`.
    public let inputShape: [Int]
    public let classes: Int
    /// Examples in the standard training file(s), before the validation hold-out.
    public let trainExamples: Int
    public let testExamples: Int
    /// Where the data is found when the sweep gives no path; nil when there is no
    /// standard place and a path is required.
    public let defaultPath: String?

    public init(name: String, format: Format, inputShape: [Int], classes: Int, trainExamples: Int,
                testExamples: Int, defaultPath: String?) {
        self.name = name
        self.format = format
        self.inputShape = inputShape
        self.classes = classes
        self.trainExamples = trainExamples
        self.testExamples = testExamples
        self.defaultPath = defaultPath
    }

    public enum Format: String, Hashable, Sendable {
        /// MNIST's IDX files, `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`.
        case idx
        /// CIFAR-10's binary batches, `data_batch_{1..5}.bin`, `test_batch.bin`.
        case cifar10Binary
    }

    public static let fashionMNIST = DatasetInfo(
        name: "fashion-mnist", format: .idx, inputShape: [1, 28, 28], classes: 10,
        trainExamples: 60_000, testExamples: 10_000,
        defaultPath: "/usr/share/datasets/fashion-mnist")
    public static let mnist = DatasetInfo(
        name: "mnist", format: .idx, inputShape: [1, 28, 28], classes: 10,
        trainExamples: 60_000, testExamples: 10_000, defaultPath: nil)
    public static let cifar10 = DatasetInfo(
        name: "cifar10", format: .cifar10Binary, inputShape: [3, 32, 32], classes: 10,
        trainExamples: 50_000, testExamples: 10_000, defaultPath: nil)

    /// Every dataset by name.
    public static let all: [DatasetInfo] = [fashionMNIST, mnist, cifar10]

    public static func named(_ name: String) -> DatasetInfo? {
        all.first { $0.name == name }
    }
}

/// How an example's bytes become the network's inputs.
public enum InputScaling: String, Hashable, Sendable, Codable, CaseIterable {
    /// Per channel, (byte/255 − mean)/std with the mean and standard deviation of the
    /// training file, as open_lth does: the default.
    case standard
    /// byte/255, in [0, 1], as most PyTorch code that reads MNIST with `ToTensor()` does.
    case unit
}

/// The data of a run: which dataset, where its files are, the validation hold-out, and
/// how inputs are scaled.
public struct DataSpec: Hashable, Sendable, Codable {
    public var dataset: String
    /// Folder of the dataset's files; nil = the dataset's default path.
    public var path: String?
    /// Training examples held out as the validation split.
    public var validationSize: Int
    /// Fixes which examples are held out; the same for every trial of a sweep.
    public var splitSeed: UInt64
    public var normalize: InputScaling

    public init(dataset: String, path: String? = nil, validationSize: Int = 5_000, splitSeed: UInt64 = 0,
                normalize: InputScaling = .standard) {
        self.dataset = dataset
        self.path = path
        self.validationSize = validationSize
        self.splitSeed = splitSeed
        self.normalize = normalize
    }

    private enum CodingKeys: String, CodingKey {
        case dataset, path, validationSize, splitSeed, normalize
    }

    /// Recipes written before inputs could be scaled otherwise have no `normalize`: standard.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try container.decode(String.self, forKey: .dataset)
        path = try container.decodeIfPresent(String.self, forKey: .path)
        validationSize = try container.decode(Int.self, forKey: .validationSize)
        splitSeed = try container.decode(UInt64.self, forKey: .splitSeed)
        normalize = try container.decodeIfPresent(InputScaling.self, forKey: .normalize) ?? .standard
    }

    /// `normalize` only when it is not the default: standard recipes encode as they always did.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dataset, forKey: .dataset)
        try container.encodeIfPresent(path, forKey: .path)
        try container.encode(validationSize, forKey: .validationSize)
        try container.encode(splitSeed, forKey: .splitSeed)
        if normalize != .standard { try container.encode(normalize, forKey: .normalize) }
    }
}
