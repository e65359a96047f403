import Foundation
import LotteryCore
import Testing

@testable import Wire

/// The hand-written header codec against the Foundation one it replaced
/// (`FoundationHeaderCodec`): the same bytes out, and for any bytes in, the same message
/// or the same reason for dropping it.
@Suite struct HeaderCodecTests {
    @Test func writesWhatJSONEncoderWrote() throws {
        var generator = RandomMessages(seed: 7)
        let messages = MessageSamples.all + (0 ..< 3_000).map { _ in generator.message() }
        for message in messages {
            let ours = try message.frames(limits: MessageLimits(maxHeaderBytes: .max))[1]
            let foundation = try FoundationHeaderCodec.header(message)
            #expect(ours == foundation, "\(message.typeName): \(String(decoding: ours, as: UTF8.self)) ≠ \(String(decoding: foundation, as: UTF8.self))")
        }
    }

    @Test func readsWhatJSONDecoderRead() throws {
        var generator = RandomMessages(seed: 11)
        var outcomes: [String: Int] = [:]
        var lenient = 0
        for round in 0 ..< 12_000 {
            let message = round < MessageSamples.all.count ? MessageSamples.all[round] : generator.message()
            var frames = try message.frames(limits: MessageLimits(maxHeaderBytes: .max))
            if round >= MessageSamples.all.count && !generator.chance(4) {
                frames[1] = mutate(frames[1], &generator)
            }
            let ours = Self.outcome(frames)
            let foundation = Self.outcome(frames, reference: true)
            outcomes[ours, default: 0] += 1
            if (try? JSONParser.parse(frames[1])) != nil {
                // JSON, but maybe with a number JSONDecoder read wrongly into an integer field
                // (92233720368547758.7 as 92233720368547760): malformed here on purpose, as
                // 281e-400 in `edgeCasesMatchJSONDecoder`'s strict list.
                #expect(ours == foundation || Self.isUnreadableInteger(frames) || Self.isNonFiniteForAString(frames),
                        "\(message.typeName) \(String(decoding: frames[1], as: UTF8.self))")
                if ours != foundation { lenient += 1 }
            } else {
                // Not JSON. JSONDecoder looked at strings and numbers only when a field
                // was read, so it let through trailing commas, bad escapes and broken
                // numbers in fields it did not read; the strict parser drops them all.
                #expect(ours == foundation || ours == "malformed-header",
                        "\(message.typeName) \(String(decoding: frames[1], as: UTF8.self))")
                if ours != foundation { lenient += 1 }
            }
        }
        #expect(lenient < 1_000)
        // The mutations reach past the parser into every kind of check.
        #expect((outcomes["malformed-header"] ?? 0) > 1_000)
        #expect((outcomes["invalid-field"] ?? 0) > 500)
        #expect(outcomes.keys.contains { $0.hasPrefix("decoded") })
    }

    /// Hand-picked headers around the edges of what JSONDecoder accepted.
    @Test func edgeCasesMatchJSONDecoder() {
        let metrics = #"{"v":1,"lease":"L","trial":"t","attempt":1,"points":[{"iteration":ITER,"split":"test","loss":LOSS,"accuracy":0.5}]}"#
        let cases: [(String, String)] = [
            ("READY", #"{"v":1,"free":1.0}"#), ("READY", #"{"v":1,"free":1e2}"#), ("READY", #"{"v":1,"free":100e-2}"#),
            ("READY", #"{"v":1,"free":-0}"#), ("READY", #"{"v":1,"free":1.5}"#), ("READY", #"{"v":1,"free":true}"#),
            ("READY", #"{"v":1.0,"free":1}"#), ("READY", #"{"v":1,"free":1,"free":2}"#), ("READY", #"{"free":2,"v":1,"v":2}"#),
            ("READY", #" {"v":1,"free":1} "#), ("READY", "{\"v\":1,\n\t\"free\":1}\r\n"), ("READY", #"{"v":1,"free":1}x"#),
            ("READY", #"{"v":1,"free":01}"#), ("READY", #"{"v":1,"free":+1}"#),
            ("READY", #"{"v":1,"free":1,"extra":{"deep":[1,2,{"x":null}]}}"#),
            ("READY", #"{"v":1,"free":1,"x":"\ud83d\ude00"}"#), ("READY", #"{"v":1,"free":1,"x":"\u00e9\/"}"#),
            ("READY", #"{"v":9223372036854775807,"free":1}"#), ("READY", #"{"v":9223372036854775808,"free":1}"#),
            ("READY", #"{"v":-9223372036854775808,"free":1}"#), ("READY", #"{"v":1,"free":18446744073709551616}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{"d":"\#(String(repeating: "a", count: 64))","d":"X"},"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":[],"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{},"files":null,"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{},"files":{},"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{},"files":{"d":{"f":"\#(String(repeating: "a", count: 64))","f":"X"}},"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{},"files":{"d":{},"d":"X"},"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{},"files":{"d":null},"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{},"files":{"d":{"f":null}},"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{},"files":[],"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{},"running":[null]}"#),
            ("FAILED", #"{"v":1,"lease":"L","trial":"t","attempt":1,"error":"e","retryable":1}"#),
            ("FAILED", #"{"v":1,"lease":"L","trial":"t","attempt":1,"error":"e","retryable":false}"#),
            ("REJECT", #"{"v":7,"reason":"new","detail":"d","versions":[1,2.0]}"#),
            ("REJECT", #"{"v":"7","reason":"new","detail":"d","versions":[]}"#),
            ("HEARTBEAT", #"{"v":1,"anything":[1,{"a":"b"}]}"#), ("HEARTBEAT", #"{"v":2}"#), ("HEARTBEAT", "[1]"),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: #""NaN""#)),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: #""-Infinity""#)),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: #""nan""#)),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "1e400")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "1e-400")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "0e-400")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "-0.0")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "4.9e-324")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "1.7976931348623157e308")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "1.7976931348623159e308")),
            ("METRICS", metrics.replacing("ITER", with: "-1").replacing("LOSS", with: "1")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "null")),
            // Non-finite numbers as this side writes them, and as Python does.
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "1e999")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "-1e999")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "Infinity")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "-Infinity")),
            ("METRICS", metrics.replacing("ITER", with: "1").replacing("LOSS", with: "NaN")),
            ("METRICS", metrics.replacing("ITER", with: "Infinity").replacing("LOSS", with: "1")),
            ("READY", #"{"v":1,"free":NaN}"#), ("READY", #"{"v":Infinity,"free":1}"#),
        ]
        for (type, header) in cases {
            let frames = [Array(type.utf8), Array(header.utf8)]
            #expect(Self.outcome(frames) == Self.outcome(frames, reference: true), "\(type) \(header)")
        }
        // Where the two differ on purpose: text that is not JSON, in a field JSONDecoder
        // never read, or a number it read wrongly (281e-400 is not the integer 0).
        let strict: [(String, String)] = [
            ("READY", #"{"v":1,"free":1,}"#), ("READY", #"{"v":1,"free":1,"x":"\ud800"}"#),
            ("READY", #"{"v":1,"free":1,"x":"\x"}"#), ("READY", "{\"v\":1,\"free\":1,\"x\":\"\u{1}\"}"),
            ("READY", #"{"v":1,"free":1,"x":1-2}"#), ("HEARTBEAT", #"{"v":1,"x":[1,]}"#), ("READY", #"{"v":1,"free":281e-400}"#),
            ("READY", #"{"v":2,"free":1,}"#),
        ]
        for (type, header) in strict {
            let frames = [Array(type.utf8), Array(header.utf8)]
            #expect(Self.outcome(frames) == "malformed-header", "\(type) \(header)")
            #expect(Self.outcome(frames, reference: true) != "malformed-header", "\(type) \(header)")
        }
    }

    /// RESULT summaries with and without the optional training fields, in every shape.
    @Test func optionalTrainingFieldsMatchJSONDecoder() throws {
        let result = try WireMessage.result(.init(lease: "L", trial: "t", attempt: 1, summary: MessageSamples.summary)).frames()
        let header = String(decoding: result[1], as: UTF8.self)
        let field = #""earlyStopTrainAccuracy":0.9934,"#
        #expect(header.contains(field))
        let replacements = [
            "", #""earlyStopTrainAccuracy":null,"#, #""earlyStopTrainAccuracy":"NaN","#, #""earlyStopTrainAccuracy":0,"#,
            #""earlyStopTrainAccuracy":1.5,"#, #""earlyStopTrainAccuracy":-0.5,"#, #""earlyStopTrainAccuracy":"Infinity","#,
            #""earlyStopTrainAccuracy":"x","#, #""earlyStopTrainAccuracy":true,"#, #""earlyStopTrainAccuracy":"nan","#,
        ]
        var outcomes: [String] = []
        for replacement in replacements {
            let frames = [result[0], Array(header.replacing(field, with: replacement).utf8)]
            let ours = Self.outcome(frames)
            #expect(ours == Self.outcome(frames, reference: true), "\(replacement)")
            outcomes.append(ours.hasPrefix("decoded") ? "decoded" : ours)
        }
        #expect(outcomes == ["decoded", "decoded", "decoded", "decoded", "invalid-field", "invalid-field", "invalid-field",
                             "malformed-header", "malformed-header", "malformed-header"])
        // All four training fields missing, as an older worker writes the summary.
        var old = header
        for key in ["earlyStopTrainAccuracy", "earlyStopTrainLoss", "finalTrainAccuracy", "finalTrainLoss"] {
            old = old.replacing(try Regex("\"\(key)\":[^,]*,"), with: "")
        }
        #expect(!old.contains("Train"))
        let frames = [result[0], Array(old.utf8)]
        #expect(Self.outcome(frames).hasPrefix("decoded"))
        #expect(Self.outcome(frames) == Self.outcome(frames, reference: true))
    }

    /// ASSIGN recipes with every enum shape, and broken ones.
    @Test func recipeShapesMatchJSONDecoder() throws {
        let assign = try WireMessage.assign(.init(lease: "L", trial: "t", attempt: 1, recipe: MessageSamples.recipe)).frames()
        let header = String(decoding: assign[1], as: UTF8.self)
        let start = #""start":{"prune":{"_0":{"rates":{"conv":0,"fc":0.2,"output":0.1},"scope":"layerwise"}}}"#
        #expect(header.contains(start))
        let replacements = [
            #""start":{"dense":{}}"#, #""start":{"dense":{"ignored":1}}"#, #""start":{"dense":{},"other":1}"#,
            #""start":{"dense":{},"prune":{}}"#, #""start":{}"#, #""start":{"dense":5}"#, #""start":{"dense":null}"#,
            #""start":{"control":{"_0":"reinit","replicate":2}}"#, #""start":{"control":{"_0":"bogus","replicate":2}}"#,
            #""start":{"control":{"_0":"reinit"}}"#, #""start":{"prune":{"_0":{"rates":{"conv":"NaN","fc":0,"output":0},"scope":"global"}}}"#,
            #""start":{"prune":{"_0":{"rates":{"conv":0,"fc":0},"scope":"global"}}}"#, #""start":[]"#,
        ]
        for replacement in replacements {
            let frames = [assign[0], Array(header.replacing(start, with: replacement).utf8)]
            #expect(Self.outcome(frames) == Self.outcome(frames, reference: true), "\(replacement)")
        }
    }

    /// ASSIGN recipes with and without `kernels`, and with bad ones.
    @Test func recipeKernelsMatchJSONDecoder() throws {
        let assign = try WireMessage.assign(.init(lease: "L", trial: "t", attempt: 1, recipe: MessageSamples.recipe)).frames()
        let header = String(decoding: assign[1], as: UTF8.self)
        let field = #""kernels":"sparse","#
        #expect(header.contains(field))
        let replacements = [
            "", #""kernels":null,"#, #""kernels":"auto","#, #""kernels":"dense","#, #""kernels":"Dense","#,
            #""kernels":"fast","#, #""kernels":1,"#, #""kernels":{},"#,
        ]
        var outcomes: [String] = []
        for replacement in replacements {
            let frames = [assign[0], Array(header.replacing(field, with: replacement).utf8)]
            let ours = Self.outcome(frames)
            #expect(ours == Self.outcome(frames, reference: true), "\(replacement)")
            outcomes.append(ours.hasPrefix("decoded") ? "decoded" : ours)
        }
        #expect(outcomes == ["decoded", "decoded", "decoded", "decoded", "malformed-header", "malformed-header",
                             "malformed-header", "malformed-header"])
    }

    // MARK: Helpers

    /// Whether the hand-written codec drops the frames for a JSON number that is not the
    /// integer its field needs (a fraction, or beyond the type's range).
    static func isUnreadableInteger(_ frames: [[UInt8]]) -> Bool {
        do throws(DecodeError) {
            _ = try WireMessage(frames: frames)
            return false
        } catch {
            return error.reason == "malformed-header"
                && (error.detail.hasSuffix("is not an Int") || error.detail.hasSuffix("is not a UInt64"))
        }
    }

    /// Whether the hand-written codec drops the frames for a non-finite number where a
    /// string belongs: `FoundationHeaderCodec` reads it as a string ("Infinity"), as the
    /// strings it stands in for.
    static func isNonFiniteForAString(_ frames: [[UInt8]]) -> Bool {
        guard FoundationHeaderCodec.nonFiniteAsStrings(frames[1]) != frames[1] else { return false }
        do throws(DecodeError) {
            _ = try WireMessage(frames: frames)
            return false
        } catch {
            return error.reason == "malformed-header" && error.detail.hasSuffix("is a number, not of type String")
        }
    }

    /// "decoded <the message's frames>" or the reason it was dropped.
    static func outcome(_ frames: [[UInt8]], reference: Bool = false) -> String {
        let result: Result<WireMessage, DecodeError>
        if reference {
            result = FoundationHeaderCodec.decode(frames)
        } else {
            do throws(DecodeError) {
                result = .success(try WireMessage(frames: frames))
            } catch {
                result = .failure(error)
            }
        }
        switch result {
        case .success(let message):
            // Compared as bytes: a NaN loss is not equal to itself.
            guard let again = try? message.frames(limits: MessageLimits(maxHeaderBytes: .max)) else { return "decoded, unencodable" }
            return "decoded \(again.map { String(decoding: $0, as: UTF8.self) })"
        case .failure(let error):
            return error.reason
        }
    }

    private func mutate(_ header: [UInt8], _ generator: inout RandomMessages) -> [UInt8] {
        var bytes = header
        let tokens = ["null", "-1", "0", "1.0", "1e2", "1.5", "1e999", "-0", "\"\"", "\"x\"", "[", "]", "{", "}", ",", ":",
                      "\"NaN\"", "\"Infinity\"", "NaN", "-Infinity", "true", "9223372036854775808", "18446744073709551616", "{\"v\":1}",
                      "\\u0000", "\\ud800", "\\\"", " ", "\u{1}", "\"v\":1,", "\"free\":3,", "[]", "{}"]
        for _ in 0 ... generator.below(3) {
            let position = generator.below(bytes.count + 1)
            switch generator.below(6) {
            case 0, 1:  // splice a token
                bytes.insert(contentsOf: Array(tokens[generator.below(tokens.count)].utf8), at: position)
            case 2:  // replace a value: the bytes up to the next delimiter
                var end = position
                while end < bytes.count, !Array(",}]".utf8).contains(bytes[end]) { end += 1 }
                bytes.replaceSubrange(position ..< end, with: Array(tokens[generator.below(tokens.count)].utf8))
            case 3:  // delete a few bytes
                let end = min(bytes.count, position + 1 + generator.below(6))
                bytes.removeSubrange(position ..< end)
            case 4 where position < bytes.count:  // change one byte
                let alphabet = Array("0123456789-+.eE\"\\,:[]{}tfn ".utf8)
                bytes[position] = generator.chance(3) ? UInt8(truncatingIfNeeded: generator.random.next())
                                                      : alphabet[generator.below(alphabet.count)]
            default:  // duplicate a stretch
                let end = min(bytes.count, position + generator.below(20))
                bytes.insert(contentsOf: bytes[position ..< end], at: position)
            }
        }
        return bytes
    }
}
