import CZlib

#if canImport(Glibc)
import Glibc
#endif

/// Reads a whole file that may be gzip-compressed (zlib reads plain files as they are).
enum CompressedFile {
    /// Bytes of the file, decompressed. `limit` caps the decompressed size as a
    /// guard against a file that is far bigger than anything it could be.
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else {
            throw DataError.unreadable(path, "cannot open")
        }
        defer { gzclose(file) }
        var bytes: [UInt8] = []
        // gzip keeps the uncompressed size (mod 4 GiB) in its last 4 bytes: reserve
        // it, so that a 47 MB file is not grown by doubling through 64 MB.
        if let hint = uncompressedSizeHint(path), hint <= limit { bytes.reserveCapacity(hint) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if count < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown zlib error"
                throw DataError.unreadable(path, "decompression failed: \(message)")
            }
            if count == 0 {
                // A gzip stream cut short reads as end of file; zlib reports it here.
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? ""
                if code != Z_OK && code != Z_STREAM_END {
                    throw DataError.unreadable(path, "decompression failed: \(message)")
                }
                break
            }
            bytes.append(contentsOf: chunk[0..<Int(count)])
            if bytes.count > limit {
                throw DataError.mismatch(path, "larger than \(limit) bytes; not a dataset file of the expected kind")
            }
        }
        return bytes
    }

    /// The ISIZE field of a gzip file's trailer, or the size of a plain file.
    private static func uncompressedSizeHint(_ path: String) -> Int? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var magic = [UInt8](repeating: 0, count: 2)
        guard fread(&magic, 1, 2, file) == 2 else { return nil }
        guard fseek(file, magic == [0x1f, 0x8b] ? -4 : 0, SEEK_END) == 0 else { return nil }
        if magic != [0x1f, 0x8b] { return ftell(file) }
        var trailer = [UInt8](repeating: 0, count: 4)
        guard fread(&trailer, 1, 4, file) == 4 else { return nil }
        return Int(trailer[0]) | Int(trailer[1]) << 8 | Int(trailer[2]) << 16 | Int(trailer[3]) << 24
    }
}
