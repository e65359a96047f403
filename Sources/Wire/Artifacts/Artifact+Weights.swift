/// Weights: each value as IEEE 754 binary32, little-endian, 4 bytes, in the trainer's
/// parameter order. NaN payloads and signed zeros survive the round trip.
extension Artifact {
    public static func weights(_ values: [Float]) -> Artifact {
        var bytes = [UInt8](repeating: 0, count: values.count * 4)
        #if _endian(little)
        bytes.withUnsafeMutableBytes { target in
            values.withUnsafeBytes { target.copyMemory(from: $0) }
        }
        #else
        for (index, value) in values.enumerated() {
            let bits = value.bitPattern
            for byte in 0 ..< 4 { bytes[4 * index + byte] = UInt8(truncatingIfNeeded: bits >> (8 * byte)) }
        }
        #endif
        return Artifact(kind: .weights, bytes: bytes)
    }

    /// The values of a weights artifact.
    public func weights() throws(DecodeError) -> [Float] {
        guard kind == .weights else { throw .badArtifact(nil, "a \(kind) artifact holds no weights") }
        if let problem = layoutProblem { throw .badArtifact(nil, problem) }
        let count = bytes.count / 4
        #if _endian(little)
        return [Float](unsafeUninitializedCapacity: count) { target, initialized in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(target).copyMemory(from: $0) }
            initialized = count
        }
        #else
        return (0 ..< count).map { index in
            var bits: UInt32 = 0
            for byte in 0 ..< 4 { bits |= UInt32(bytes[4 * index + byte]) << (8 * byte) }
            return Float(bitPattern: bits)
        }
        #endif
    }
}
