import CZlib
import LotteryCore

#if canImport(Glibc)
import Glibc
#endif

extension DatasetInfo.Format {
    /// The files of a dataset in this format, in the order its fingerprint hashes them
    /// (docs/PROTOCOL.md, `HELLO`). Each is read from `NAME.gz` when that exists, else
    /// from `NAME`. A new format adds its list here; `Dataset.load` must hash the same
    /// files in the same order.
    public var fileNames: [String] {
        switch self {
        case .idx: Dataset.idxFileNames
        case .cifar10Binary: CIFAR10File.fileNames
        }
    }
}

extension Dataset {
    /// The fingerprint `Dataset.load(spec).fingerprint` would give, computed by
    /// streaming the files through SHA-256 without keeping them: for a
    /// coordinator that checks workers' data but trains nothing. Nil when the
    /// files are not all here.
    public static func fingerprint(of spec: DataSpec) -> String? {
        try? fileFingerprints(of: spec).combined
    }

    /// The combined fingerprint and each file's digest of the dataset `spec` names, at
    /// its path or its dataset's standard one.
    public static func fileFingerprints(of spec: DataSpec) throws -> DatasetFingerprint {
        guard let info = DatasetInfo.named(spec.dataset) else {
            throw DataError.unsupported("unknown dataset '\(spec.dataset)'")
        }
        guard let folder = spec.path ?? info.defaultPath else {
            throw DataError.unsupported("dataset '\(info.name)' has no standard location; give the folder of its files")
        }
        return try fileFingerprints(of: info, folder: folder)
    }

    /// The files of `info`'s format in `folder`, streamed once through SHA-256: each
    /// file's digest, and all of them together (the dataset's fingerprint). Throws,
    /// naming the file, when one is missing or cannot be decompressed.
    public static func fileFingerprints(of info: DatasetInfo, folder: String) throws -> DatasetFingerprint {
        var combined = SHA256()
        var files: [String: String] = [:]
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        for name in info.format.fileNames {
            let path = locate(folder: folder, name: name)
            guard access(path, F_OK) == 0 else { throw DataError.missing(path, expected: "a file of \(info.name)") }
            guard let file = gzopen(path, "rb") else { throw DataError.unreadable(path, "cannot open") }
            defer { gzclose(file) }
            var hasher = SHA256()
            while true {
                let count = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
                if count < 0 { throw DataError.unreadable(path, "decompression failed") }
                if count == 0 {
                    // A gzip stream cut short reads as end of file; zlib reports it here.
                    var code: Int32 = 0
                    _ = gzerror(file, &code)
                    if code != Z_OK && code != Z_STREAM_END { throw DataError.unreadable(path, "decompression failed") }
                    break
                }
                chunk.withUnsafeBytes {
                    let bytes = UnsafeRawBufferPointer(rebasing: $0[0 ..< Int(count)])
                    combined.update(bytes)
                    hasher.update(bytes)
                }
            }
            files[name] = hasher.hexDigest()
        }
        return DatasetFingerprint(combined: combined.hexDigest(), files: files)
    }
}
