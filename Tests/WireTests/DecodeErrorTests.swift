import LotteryCore
import Testing
import Wire

/// Bad input gives a `DecodeError` with the right reason, never a crash.
@Suite struct DecodeErrorTests {
    private func reason(_ frames: [[UInt8]], limits: MessageLimits = MessageLimits()) -> String? {
        do {
            _ = try WireMessage(frames: frames, limits: limits)
            return nil
        } catch {
            return error.reason
        }
    }

    private func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    @Test func truncatedMessages() {
        #expect(reason([]) == "truncated")
        #expect(reason([text("HELLO")]) == "truncated")
    }

    @Test func badTypeFrames() {
        #expect(reason([[], text(#"{"v":1}"#)]) == "bad-type-frame")
        #expect(reason([text("hello"), text(#"{"v":1}"#)]) == "bad-type-frame")
        #expect(reason([[0xff, 0xfe], text(#"{"v":1}"#)]) == "bad-type-frame")
        #expect(reason([text("AVERYLONGTYPENAMEX"), text(#"{"v":1}"#)]) == "bad-type-frame")
        #expect(reason([text("GREETINGS"), text(#"{"v":1}"#)]) == "unknown-type")
    }

    @Test func malformedHeaders() {
        for header in ["", "{", "[]", "null", "42", #"{"v":"1"}"#, #"{"v":1.5}"#, #"{"free":2}"#,
                       #"{"v":1,"free":"two"}"#, #"{"v":1,"free":null}"#, #"{"v":1,"free":1e40}"#] {
            #expect(reason([text("READY"), text(header)]) == "malformed-header", "\(header)")
        }
        #expect(reason([text("READY"), [0xc3, 0x28]]) == "malformed-header")
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(reason([text("READY"), text(#"{"v":1,"free":"# + deep + "}")]) == "malformed-header")
    }

    @Test func wrongVersionsAreReportedAsSuch() throws {
        let frames = [text("HELLO"), text(#"{"v":2,"worker":"w","whatever":true}"#)]
        let error = try #require(throws: DecodeError.self) { try WireMessage(frames: frames) }
        #expect(error.reason == "unsupported-version")
        #expect(error.unsupportedVersion == 2)
        #expect(error.messageType == "HELLO")
        // Even a type this version does not know: the version is what to complain about.
        #expect(reason([text("NEWTHING"), text(#"{"v":3}"#)]) == "unsupported-version")
        // A REJECT is read whatever its version.
        let reject = [text("REJECT"), text(#"{"v":9,"reason":"version","detail":"","versions":[9]}"#)]
        #expect(try WireMessage(frames: reject) == .reject(.init(reason: .version, detail: "", versions: [9])))
    }

    @Test func outOfRangeFields() {
        let bad = [
            ("READY", #"{"v":1,"free":-1}"#),
            ("HELLO", #"{"v":1,"worker":"","host":"","slots":1,"threads":1,"datasets":{},"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w","host":"","slots":0,"threads":1,"datasets":{},"running":[]}"#),
            ("HELLO", #"{"v":1,"worker":"w\u0007","host":"","slots":1,"threads":1,"datasets":{},"running":[]}"#),
            ("ACK", #"{"v":1,"trial":"t","attempt":0}"#),
            ("METRICS", #"{"v":1,"lease":"L","trial":"t","attempt":1,"points":[]}"#),
            ("METRICS", #"{"v":1,"lease":"L","trial":"t","attempt":1,"points":[{"iteration":1,"split":"test","loss":1,"accuracy":1.5}]}"#),
            ("WELCOME", #"{"v":1,"coordinator":"c","sweep":"s","heartbeatMs":1000,"deadAfterMs":500}"#),
            ("FETCH", #"{"v":1,"sha256":[]}"#),
            ("RESULT", #"{"v":1,"lease":"L","trial":"t","attempt":1,"artifacts":[],"summary":{"iterations":1,"earlyStopIteration":0,"minValidationLoss":1,"earlyStopTestAccuracy":0.5,"finalValidationLoss":1,"finalValidationAccuracy":0.5,"finalTestLoss":1,"finalTestAccuracy":0.5,"finalTrainAccuracy":1.25,"layers":[],"seconds":1}}"#),
        ]
        for (type, header) in bad {
            #expect(reason([text(type), text(header)]) == "invalid-field", "\(type) \(header)")
        }
        #expect(reason([text("HELLO"), text(#"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{"d":"XYZ"},"running":[]}"#)])
            == "malformed-header")
        #expect(reason([text("METRICS"), text(#"{"v":1,"lease":"L","trial":"t","attempt":1,"points":[{"iteration":1,"split":"dev","loss":1,"accuracy":1}]}"#)])
            == "malformed-header")
    }

    @Test func oversizedFrames() throws {
        let header = text(#"{"v":1,"free":1}"#)
        #expect(reason([text("READY"), header], limits: MessageLimits(maxHeaderBytes: 8)) == "oversized")
        #expect(reason([text("READY"), header] + Array(repeating: [], count: 100)) == "oversized")
        let result = try MessageSamples.all.first { $0.typeName == "RESULT" }!.frames()
        #expect(reason(result, limits: MessageLimits(maxArtifactBytes: 100)) == "oversized")
    }

    @Test func binaryFramesMustMatchTheHeader() throws {
        let assign = try MessageSamples.all.first { $0.typeName == "ASSIGN" }!.frames()
        #expect(reason(Array(assign.dropLast())) == "frame-mismatch")          // a frame missing
        #expect(reason(assign + [[1, 2, 3]]) == "frame-mismatch")              // a frame too many
        #expect(reason([assign[0], assign[1], assign[3], assign[2]]) != nil)   // frames swapped
        #expect(reason(try WireMessage.heartbeat.frames() + [[1]]) == "frame-mismatch")
        var flipped = assign
        flipped[3][5] ^= 0x10
        #expect(reason(flipped) == "bad-artifact")                              // digest no longer matches
        #expect(reason(flipped, limits: MessageLimits(verifiesDigests: false)) == nil)
    }

    @Test func artifactDescriptorsAreChecked() {
        let mask = MessageSamples.mask
        func assign(_ artifacts: String, frames: [[UInt8]] = []) -> [[UInt8]] {
            [text("ASSIGN"), text(#"{"v":1,"lease":"L","trial":"t","attempt":1,"recipe":"# + recipeJSON + #","artifacts":"# + artifacts + "}")] + frames
        }
        let entry = #""kind":"mask","sha256":"\#(mask.sha256.hex)","size":\#(mask.bytes.count)"#
        #expect(reason(assign("[{\(entry),\"role\":\"parent-mask\",\"frame\":0}]", frames: [mask.bytes])) == nil)
        #expect(reason(assign("[{\(entry),\"role\":\"parent-weights\",\"frame\":0}]", frames: [mask.bytes])) == "invalid-field")
        #expect(reason(assign("[{\(entry),\"role\":\"mask\",\"frame\":0}]", frames: [mask.bytes])) == "invalid-field")
        #expect(reason(assign("[{\(entry),\"frame\":0}]", frames: [mask.bytes])) == "invalid-field")
        #expect(reason(assign("[{\(entry),\"role\":\"parent-mask\",\"frame\":1}]", frames: [mask.bytes])) == "frame-mismatch")
        #expect(reason(assign("[{\(entry),\"role\":\"parent-mask\",\"frame\":-1}]", frames: [mask.bytes])) == "frame-mismatch")
        #expect(reason(assign("[{\(entry),\"role\":\"parent-mask\",\"frame\":9223372036854775807}]", frames: [mask.bytes])) == "frame-mismatch")
        #expect(reason(assign("[{\(entry),\"role\":\"parent-mask\",\"frame\":0},{\(entry),\"role\":\"parent-mask\",\"frame\":0}]", frames: [mask.bytes])) == "frame-mismatch")
        #expect(reason(assign("[{\(entry),\"role\":\"parent-mask\",\"frame\":0}]", frames: [mask.bytes + [0]])) == "frame-mismatch")
        #expect(reason(assign("[{\(entry),\"role\":\"parent-mask\"},{\(entry),\"role\":\"parent-mask\"}]")) == "invalid-field")
        let badMask: [UInt8] = [9, 0, 0, 0, 0, 0, 0, 0, 1]
        let badEntry = #""kind":"mask","sha256":"\#(SHA256.hash(badMask).hex)","size":9,"role":"parent-mask","frame":0"#
        #expect(reason(assign("[{\(badEntry)}]", frames: [badMask])) == "bad-artifact")
    }

    private var recipeJSON: String {
        #"{"data":{"dataset":"mnist","splitSeed":0,"validationSize":5000},"model":{"layers":[],"name":"m"},"reset":{"original":{}},"seed":7,"start":{"dense":{}},"training":{"batchSize":60,"drops":[],"evalEvery":100,"length":{"iterations":{"_0":50}},"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-08,"kind":"adam","learningRate":0.0012,"momentum":0.9,"weightDecay":0},"warmupIterations":0}}"#
    }
}
