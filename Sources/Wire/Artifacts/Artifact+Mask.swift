/// Masks: the number of bits n as an unsigned 64-bit little-endian integer (8 bytes), then
/// ⌈n/8⌉ bytes of bits, least significant bit first: bit i is `byte[8 + i/8] >> (i % 8) & 1`;
/// 1 = the weight is kept. Unused high bits of the last byte are 0.
extension Artifact {
    public static func mask(_ kept: [Bool]) -> Artifact {
        var bits = [UInt8](repeating: 0, count: (kept.count + 7) / 8)
        for (index, keep) in kept.enumerated() where keep {
            bits[index >> 3] |= 1 << UInt8(index & 7)
        }
        return mask(packedBits: bits, count: kept.count)
    }

    /// A mask from bits already packed least significant bit first; bits past `count` are
    /// cleared. Missing bytes count as 0 bits.
    public static func mask(packedBits: [UInt8], count: Int) -> Artifact {
        let count = max(0, count)
        let byteCount = (count + 7) / 8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + byteCount)
        let length = UInt64(count)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift))) }
        bytes += packedBits.prefix(byteCount)
        bytes += repeatElement(0, count: byteCount - min(byteCount, packedBits.count))
        if count % 8 != 0 {
            bytes[bytes.count - 1] &= UInt8((1 << (count % 8)) - 1)
        }
        return Artifact(kind: .mask, bytes: bytes)
    }

    /// The mask's bits, packed least significant bit first, and how many there are.
    public func packedMask() throws(DecodeError) -> (count: Int, bits: ArraySlice<UInt8>) {
        guard kind == .mask else { throw .badArtifact(nil, "a \(kind) artifact holds no mask") }
        if let problem = layoutProblem { throw .badArtifact(nil, problem) }
        return (Self.maskCount(bytes) ?? 0, bytes[8...])
    }

    /// The mask, one `Bool` per weight (true = kept).
    public func mask() throws(DecodeError) -> [Bool] {
        let (count, bits) = try packedMask()
        let start = bits.startIndex
        return (0 ..< count).map { index in bits[start + index >> 3] >> UInt8(index & 7) & 1 == 1 }
    }

    /// The bit count, if the length field is consistent with the number of bytes.
    private static func maskCount(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 8 else { return nil }
        var length: UInt64 = 0
        for index in 0 ..< 8 { length |= UInt64(bytes[index]) << UInt64(8 * index) }
        let byteCount = UInt64(bytes.count - 8)
        // n must need exactly the bytes present: 8·(bytes−1) < n ≤ 8·bytes (or n = 0, no bytes).
        guard length <= byteCount * 8, length + 7 >= byteCount * 8 else { return nil }
        return Int(length)
    }

    static func maskLayoutProblem(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 8 else { return "a mask starts with an 8-byte bit count, but has \(bytes.count) bytes" }
        guard let count = maskCount(bytes) else {
            return "the mask's bit count does not match its \(bytes.count - 8) bytes of bits"
        }
        if count % 8 != 0, let last = bytes.last, last >> UInt8(count % 8) != 0 {
            return "bits past the mask's \(count) bits are set"
        }
        return nil
    }
}
