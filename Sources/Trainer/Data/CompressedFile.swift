import CZlib

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
}
