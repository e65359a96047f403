import Foundation
import Testing
import Wire

/// Thousands of seeded random and mutated inputs: each decodes or throws `DecodeError`;
/// none traps. (A trap would end the test process, failing the run.)
@Suite struct DecodeFuzzTests {
    private static let typeFrames = WireMessage.typeNames.map { Array($0.utf8) } + [Array("BOGUS".utf8), []]

    @Test func randomFramesNeverTrap() {
        var random = SplitMix64(seed: 0x5eed)
        var decoded = 0
        for _ in 0 ..< 4_000 {
            var frames: [[UInt8]] = []
            let count = Int(random.next() % 6)
            for index in 0 ..< count {
                if index == 0 && random.next() % 4 != 0 {
                    frames.append(Self.typeFrames[Int(random.next() % UInt64(Self.typeFrames.count))])
                } else {
                    frames.append(randomBytes(&random, maxCount: 96))
                }
            }
            if (try? WireMessage(frames: frames)) != nil { decoded += 1 }
        }
        // Random bytes should essentially never be a valid message.
        #expect(decoded < 10)
    }

    @Test func mutatedValidMessagesNeverTrap() throws {
        var random = SplitMix64(seed: 42)
        let samples = try MessageSamples.all.map { try $0.frames() }
        var outcomes: [String: Int] = [:]
        for round in 0 ..< 6_000 {
            var frames = samples[round % samples.count]
            switch random.next() % 7 {
            case 0:  // flip bits in one frame
                let index = Int(random.next() % UInt64(frames.count))
                for _ in 0 ... random.next() % 4 where !frames[index].isEmpty {
                    let position = Int(random.next() % UInt64(frames[index].count))
                    frames[index][position] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
                }
            case 1:  // cut a frame short
                let index = Int(random.next() % UInt64(frames.count))
                frames[index] = Array(frames[index].prefix(Int(random.next() % UInt64(frames[index].count + 1))))
            case 2:  // drop a frame
                frames.remove(at: Int(random.next() % UInt64(frames.count)))
            case 3:  // duplicate a frame
                let index = Int(random.next() % UInt64(frames.count))
                frames.insert(frames[index], at: index)
            case 4:  // replace a frame with garbage
                frames[Int(random.next() % UInt64(frames.count))] = randomBytes(&random, maxCount: 200)
            case 5:  // splice a JSON token into the header
                let tokens = ["null", "-1", "1e999", "\"\"", "[", "}", "\"NaN\"", "9223372036854775808", "{\"v\":1}", "\\u0000"]
                var header = frames[1]
                let position = Int(random.next() % UInt64(header.count + 1))
                header.insert(contentsOf: Array(tokens[Int(random.next() % UInt64(tokens.count))].utf8), at: position)
                frames[1] = header
            default:  // swap two frames
                let a = Int(random.next() % UInt64(frames.count)), b = Int(random.next() % UInt64(frames.count))
                frames.swapAt(a, b)
            }
            do {
                let message = try WireMessage(frames: frames)
                // Whatever decodes must encode again.
                _ = try message.frames()
                outcomes["decoded", default: 0] += 1
            } catch let error as DecodeError {
                outcomes[error.reason, default: 0] += 1
            }
        }
        #expect(outcomes.values.reduce(0, +) == 6_000)
        #expect((outcomes["decoded"] ?? 0) < 6_000)
    }

    private func randomBytes(_ random: inout SplitMix64, maxCount: Int) -> [UInt8] {
        let count = Int(random.next() % UInt64(maxCount + 1))
        // Bias toward JSON-ish bytes so that the decoder gets past its first checks.
        let alphabet = Array(#"{}[]":,0123456789.-eEtrufalsn vVHELOACKfrsha256"#.utf8)
        return (0 ..< count).map { _ in
            random.next() % 2 == 0 ? alphabet[Int(random.next() % UInt64(alphabet.count))]
                                   : UInt8(truncatingIfNeeded: random.next())
        }
    }
}

/// The corpus libFuzzer found (`scripts/fuzz protocol`, Fuzz/ProtocolFuzzer.swift), replayed
/// in every run as regression tests, with the fuzz target's checks: each input is refused
/// with a `DecodeError` or decodes to a message that encodes, and decodes again to the
/// same bytes.
@Suite struct ProtocolFuzzCorpusTests {
    private static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus/protocol")

    /// An input's frames: joined by "\n~~\n", as in Fuzz/ProtocolFuzzer.swift (keep the two alike).
    static func frames(of input: [UInt8]) -> [[UInt8]] {
        let separator = Array("\n~~\n".utf8)
        var frames: [[UInt8]] = []
        var start = 0
        var index = 0
        while index + separator.count <= input.count {
            if input[index ..< index + separator.count].elementsEqual(separator) {
                frames.append(Array(input[start ..< index]))
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        frames.append(Array(input[start...]))
        return frames
    }

    @Test func framesAreSplitAtTheSeparator() {
        #expect(Self.frames(of: Array("HELLO\n~~\n{}".utf8)) == [Array("HELLO".utf8), Array("{}".utf8)])
        #expect(Self.frames(of: Array("\n~~\n".utf8)) == [[], []])
        #expect(Self.frames(of: []) == [[]])
        #expect(Self.frames(of: Array("A\n~~".utf8)) == [Array("A\n~~".utf8)])
    }

    @Test func everyInputLibFuzzerFoundIsHandled() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).sorted()
        try #require(names.count >= 100, "the corpus is missing from \(Self.folder.path)")
        let unlimited = MessageLimits(maxHeaderBytes: .max)
        var decoded = 0
        for name in names {
            let input = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(name)))
            guard let message = try? WireMessage(frames: Self.frames(of: input)) else { continue }
            decoded += 1
            let encoded = try message.frames(limits: unlimited)
            let again = try WireMessage(frames: encoded, limits: unlimited)
            #expect(try again.frames(limits: unlimited) == encoded, "\(name)")
        }
        // The samples of every message type are among the inputs.
        #expect(decoded >= WireMessage.typeNames.count)
    }
}
