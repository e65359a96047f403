/// What one copy of a dataset hashes to: all its files together, and each file on its own.
///
/// The combined digest is what decides whether a worker's data is the sweep's; the
/// per-file digests only say, when it is not, which file differs. A worker reports both
/// in `HELLO` (docs/PROTOCOL.md); the coordinator takes what it expects from its own
/// copy, or from the first worker that has the dataset.
public struct DatasetFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// SHA-256 (64 lowercase hex digits) of every file's decompressed bytes, concatenated
    /// in its format's order (`Dataset.fingerprint`).
    public var combined: String
    /// File name, as its format lists it (without `.gz`) → SHA-256 (64 lowercase hex
    /// digits) of that file's decompressed bytes. Empty when not known: a worker that
    /// reports only the combined digest.
    public var files: [String: String]

    public init(combined: String, files: [String: String] = [:]) {
        self.combined = combined
        self.files = files
    }

    /// How `found` (a worker's copy) differs from this one (the sweep's), file by file,
    /// in name order. Empty when either side lists no files, or when the files agree.
    public func fileDifferences(in found: DatasetFingerprint) -> [FileDifference] {
        guard !files.isEmpty, !found.files.isEmpty else { return [] }
        var differences: [FileDifference] = []
        for name in Set(files.keys).union(found.files.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            switch (files[name], found.files[name]) {
            case let (expected?, theirs?) where expected != theirs:
                differences.append(.differs(name, expected: expected, found: theirs))
            case let (expected?, nil):
                differences.append(.missing(name, expected: expected))
            case let (nil, theirs?):
                differences.append(.unexpected(name, found: theirs))
            default:
                break
            }
        }
        return differences
    }

    public var description: String { FileDifference.short(combined) }
}

/// One way a file of a worker's copy of a dataset is not the sweep's.
public enum FileDifference: Hashable, Sendable, CustomStringConvertible {
    /// Both have the file, with other contents.
    case differs(String, expected: String, found: String)
    /// The sweep's copy has the file; the worker's does not.
    case missing(String, expected: String)
    /// The worker's copy has a file the sweep's does not.
    case unexpected(String, found: String)

    /// The file's name.
    public var file: String {
        switch self {
        case .differs(let name, _, _), .missing(let name, _), .unexpected(let name, _): name
        }
    }

    /// `t10k-labels-idx1-ubyte differs (SHA-256 3fa9c2e1ab12…, the sweep's d9a138d1aab2…)`.
    public var description: String {
        switch self {
        case .differs(let name, let expected, let found):
            "\(name) differs (SHA-256 \(Self.short(found)), the sweep's \(Self.short(expected)))"
        case .missing(let name, let expected):
            "\(name) is missing (the sweep's has SHA-256 \(Self.short(expected)))"
        case .unexpected(let name, let found):
            "\(name) is not in the sweep's copy (SHA-256 \(Self.short(found)))"
        }
    }

    /// The first 12 hex digits, enough to tell digests apart by eye.
    static func short(_ hex: String) -> String {
        hex.count > 12 ? "\(hex.prefix(12))…" : hex
    }
}
