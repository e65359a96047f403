import LotteryCore
import Testing
import Wire

@Suite struct ArtifactTests {
    @Test func maskBitsArePackedLeastSignificantFirstAfterAnEightByteCount() throws {
        let kept = [true, false, false, false, false, false, false, false, false, true]
        let artifact = Artifact.mask(kept)
        #expect(artifact.kind == .mask)
        #expect(artifact.bytes == [10, 0, 0, 0, 0, 0, 0, 0, 0b0000_0001, 0b0000_0010])
        #expect(try artifact.mask() == kept)
        #expect(artifact.sha256 == SHA256.hash(artifact.bytes))
    }

    @Test(arguments: [0, 1, 7, 8, 9, 63, 64, 65, 1000, 266_200])
    func maskRoundTrips(count: Int) throws {
        var random = SplitMix64(seed: UInt64(count))
        let kept = (0 ..< count).map { _ in random.next() & 1 == 1 }
        let artifact = Artifact.mask(kept)
        #expect(artifact.bytes.count == 8 + (count + 7) / 8)
        #expect(artifact.layoutProblem == nil)
        #expect(try artifact.mask() == kept)
        let (packedCount, bits) = try artifact.packedMask()
        #expect(packedCount == count)
        #expect(Artifact.mask(packedBits: Array(bits), count: count) == artifact)
    }

    @Test func packedBitsPastTheCountAreCleared() throws {
        let artifact = Artifact.mask(packedBits: [0xff, 0xff], count: 11)
        #expect(artifact.bytes.suffix(2) == [0xff, 0b0000_0111])
        #expect(try artifact.mask() == Array(repeating: true, count: 11))
    }

    @Test func malformedMasksAreRefused() {
        let bad: [[UInt8]] = [
            [],                                   // no count
            [1, 0, 0, 0, 0, 0, 0],                // count cut short
            [9, 0, 0, 0, 0, 0, 0, 0, 0xff],       // 9 bits need 2 bytes
            [8, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x00], // 8 bits need 1 byte
            [3, 0, 0, 0, 0, 0, 0, 0, 0b1111],     // a bit past the count is set
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1], // absurd count
        ]
        for bytes in bad {
            let artifact = Artifact(kind: .mask, bytes: bytes)
            #expect(artifact.layoutProblem != nil, "\(bytes)")
            #expect(throws: DecodeError.self) { try artifact.mask() }
        }
    }

    @Test func weightsAreLittleEndianFloat32() throws {
        let artifact = Artifact.weights([1, -2.5])
        #expect(artifact.bytes == [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0])
        #expect(try artifact.weights() == [1, -2.5])
    }

    @Test func weightsKeepEveryBitPattern() throws {
        var random = SplitMix64(seed: 7)
        let values: [Float] = [0, -0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                               Float(bitPattern: 0x7fc0_1234)]
            + (0 ..< 1000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) }
        let decoded = try Artifact.weights(values).weights()
        #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test func weightsOfTheWrongSizeOrKindAreRefused() {
        #expect(throws: DecodeError.self) { try Artifact(kind: .weights, bytes: [1, 2, 3]).weights() }
        #expect(throws: DecodeError.self) { try Artifact.weights([1]).mask() }
        #expect(throws: DecodeError.self) { try Artifact.mask([true]).weights() }
    }

    @Test func artifactsAreEqualByKindAndDigest() {
        let a = Artifact.weights([1, 2, 3])
        #expect(a == Artifact(kind: .weights, bytes: a.bytes))
        #expect(a.reference == ArtifactReference(kind: .weights, sha256: a.sha256, size: 12))
        #expect(a != Artifact(kind: .mask, bytes: a.bytes))
    }
}

/// A small seeded generator, so random inputs are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
