#if canImport(Glibc)
import Glibc
#endif
import LotteryCore

/// MNIST's IDX format: a big-endian header (two zero bytes, a type code — 0x08 for
/// unsigned bytes — and the number of dimensions, then each dimension as a 32-bit
/// integer), followed by the data in row-major order.
public struct IDXFile: Sendable {
    public let dimensions: [Int]
    public let bytes: [UInt8]

    /// What kind of IDX file a caller expects, for the error messages.
    public enum Kind: Sendable {
        case images  // magic 0x00000803, [count, rows, columns]
        case labels  // magic 0x00000801, [count]

        var dimensionCount: Int { self == .images ? 3 : 1 }
        var magic: UInt32 { self == .images ? 0x0000_0803 : 0x0000_0801 }
        var name: String { self == .images ? "an IDX image file" : "an IDX label file" }
    }

    /// Reads `path` (plain or gzip-compressed) and checks it is of `kind`.
    /// The decompressed file also goes into `fingerprint`, when given.
    public static func read(_ path: String, kind: Kind, fingerprint: inout SHA256) throws -> IDXFile {
        guard access(path, F_OK) == 0 else {
            throw DataError.missing(path, expected: kind.name)
        }
        let bytes = try CompressedFile.read(path, limit: 1 << 31)
        fingerprint.update(bytes)
        return try parse(consume bytes, path: path, kind: kind)
    }

    static func parse(_ bytes: consuming [UInt8], path: String, kind: Kind) throws -> IDXFile {
        let expectedMagic = String(kind.magic, radix: 16).leftPadded(to: 8)
        guard bytes.count >= 4 else {
            throw DataError.truncated(path, expectedBytes: 4, foundBytes: bytes.count)
        }
        let magic = bigEndian(bytes, at: 0)
        guard magic == kind.magic else {
            throw DataError.wrongMagic(path, expected: "\(kind.name) (magic 0x\(expectedMagic))",
                                       found: "0x" + String(magic, radix: 16).leftPadded(to: 8))
        }
        let headerSize = 4 + 4 * kind.dimensionCount
        guard bytes.count >= headerSize else {
            throw DataError.truncated(path, expectedBytes: headerSize, foundBytes: bytes.count)
        }
        let dimensions = (0..<kind.dimensionCount).map { Int(bigEndian(bytes, at: 4 + 4 * $0)) }
        let expected = dimensions.reduce(1, *)
        let found = bytes.count - headerSize
        guard found >= expected else {
            throw DataError.truncated(path, expectedBytes: expected, foundBytes: found)
        }
        guard found == expected else {
            throw DataError.mismatch(path, "\(found - expected) bytes after the \(expected) the header announces")
        }
        // Drop the header in place: a 47 MB image file is not copied.
        bytes.removeFirst(headerSize)
        return IDXFile(dimensions: dimensions, bytes: bytes)
    }

    private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (UInt32(bytes[offset]) << 24) | (UInt32(bytes[offset + 1]) << 16)
            | (UInt32(bytes[offset + 2]) << 8) | UInt32(bytes[offset + 3])
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
