import CZlib
import SweepPlan

#if canImport(Glibc)
import Glibc
#endif

extension Dataset {
    /// The fingerprint `Dataset.load(spec).fingerprint` would give, computed by
    /// streaming the files through SHA-256 without keeping them: for a
    /// coordinator that checks workers' data but trains nothing. Nil when the
    /// files are not all here.
    public static func fingerprint(of spec: DataSpec) -> String? {
        guard let info = DatasetInfo.named(spec.dataset),
              let folder = spec.path ?? info.defaultPath else { return nil }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        for name in fileNames(of: info.format) {
            guard let file = gzopen(locate(folder: folder, name: name), "rb") else { return nil }
            defer { gzclose(file) }
            while true {
                let count = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
                if count < 0 { return nil }
                if count == 0 { break }
                chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<Int(count)])) }
            }
        }
        return hasher.hexDigest()
    }
}
