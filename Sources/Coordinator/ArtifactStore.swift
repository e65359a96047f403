import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Artifacts as files `<folder>/<sha256>`, each written to a temporary name,
/// synced, and renamed into place, so a file under its digest is always whole.
public final class ArtifactStore: @unchecked Sendable {
    // @unchecked: used by the coordinator's one thread; files are immutable once written.
    public let folder: String

    public init(folder: String) throws {
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    public func path(of digest: String) -> String { folder + "/" + digest }

    public func contains(_ digest: String) -> Bool {
        FileManager.default.fileExists(atPath: path(of: digest))
    }

    /// Stores `bytes` under `digest` durably (the caller has checked the digest).
    public func put(_ bytes: [UInt8], digest: String) throws {
        let target = path(of: digest)
        if FileManager.default.fileExists(atPath: target) { return }
        let temporary = target + ".partial-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw StoreError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        let status: Int32 = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 { if errno == EINTR { continue }; return errno }
                written += count
            }
            return fsync(descriptor) == 0 ? 0 : errno
        }
        close(descriptor)
        guard status == 0 else {
            unlink(temporary)
            throw StoreError("cannot write \(temporary): \(String(cString: strerror(status)))")
        }
        guard rename(temporary, target) == 0 else {
            unlink(temporary)
            throw StoreError("cannot rename \(temporary): \(String(cString: strerror(errno)))")
        }
        let directory = open(folder, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    public func get(_ digest: String) throws -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path(of: digest)) else { return nil }
        return [UInt8](data)
    }

    public struct StoreError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
