import Foundation
import LotteryCore
import Testing
import Wire

@Suite struct WireMessageTests {
    @Test func everyMessageTypeHasASample() {
        #expect(Set(MessageSamples.all.map(\.typeName)) == Set(WireMessage.typeNames))
    }

    @Test(arguments: MessageSamples.all)
    func roundTrips(message: WireMessage) throws {
        let frames = try message.frames()
        #expect(frames[0] == Array(message.typeName.utf8))
        let header = try #require(try JSONSerialization.jsonObject(with: Data(frames[1])) as? [String: Any])
        #expect(header["v"] as? Int == 1)
        #expect(try WireMessage(frames: frames) == message)
    }

    @Test func helloFilesAreOptional() throws {
        // A worker from before per-file digests: no `files`.
        let digest = String(repeating: "ab", count: 32)
        let old = #"{"datasets":{"mnist":"\#(digest)"},"host":"h","running":[],"slots":1,"threads":1,"v":1,"worker":"w"}"#
        let message = try WireMessage(frames: [Array("HELLO".utf8), Array(old.utf8)])
        guard case .hello(let hello) = message else { Issue.record("not a HELLO"); return }
        #expect(hello.files == nil)
        #expect(hello.fingerprint(of: "mnist") == DatasetFingerprint(combined: digest))
        #expect(hello.fingerprint(of: "cifar10") == nil)
        #expect(try message.frames()[1] == Array(old.utf8))
    }

    @Test func helloCarriesEachFilesDigest() throws {
        let files = ["t10k-labels-idx1-ubyte": String(repeating: "1", count: 64), "train-images-idx3-ubyte": String(repeating: "2", count: 64)]
        let fingerprint = DatasetFingerprint(combined: String(repeating: "0", count: 64), files: files)
        let hello = WireMessage.Hello(worker: "w", host: "h", slots: 1, threads: 1, fingerprints: ["mnist": fingerprint])
        let frames = try WireMessage.hello(hello).frames()
        let header = String(decoding: frames[1], as: UTF8.self)
        #expect(header.contains(#""files":{"mnist":{"t10k-labels-idx1-ubyte":"\#(files["t10k-labels-idx1-ubyte"]!)","train-images-idx3-ubyte":"\#(files["train-images-idx3-ubyte"]!)"}},"host""#))
        guard case .hello(let decoded) = try WireMessage(frames: frames) else { Issue.record("not a HELLO"); return }
        #expect(decoded == hello)
        #expect(decoded.fingerprint(of: "mnist") == fingerprint)
    }

    @Test func badFileDigestsAreMalformed() {
        let digest = String(repeating: "ab", count: 32)
        func outcome(_ files: String) -> String {
            let header = #"{"datasets":{"mnist":"\#(digest)"},"files":\#(files),"host":"","running":[],"slots":1,"threads":1,"v":1,"worker":"w"}"#
            do {
                _ = try WireMessage(frames: [Array("HELLO".utf8), Array(header.utf8)])
                return "decoded"
            } catch {
                return error.reason
            }
        }
        #expect(outcome(#"{"mnist":{"f":"\#(digest)"}}"#) == "decoded")
        #expect(outcome("null") == "decoded")
        #expect(outcome(#"{"mnist":{"f":"ABC"}}"#) == "malformed-header")
        #expect(outcome(#"{"mnist":["f"]}"#) == "malformed-header")
        #expect(outcome(#"[]"#) == "malformed-header")
        #expect(outcome(#"{"mnist":{"\u0001":"\#(digest)"}}"#) == "invalid-field")
        #expect(outcome(#"{"":{}}"#) == "invalid-field")
    }

    @Test func routedFramesCarryThePeerFirst() throws {
        let peer = PeerID(Array("worker-1".utf8))
        let routed = try WireMessage.heartbeat.frames(to: peer)
        let (from, frames) = try #require(PeerID.split(routed))
        #expect(from == peer)
        #expect(from.description == "worker-1")
        #expect(PeerID([0, 0xff]).description == "0x00ff")
        #expect(try WireMessage(frames: frames) == .heartbeat)
        #expect(PeerID.split([[1]]) == nil)
    }

    @Test func headersAreCompactSortedJSON() throws {
        #expect(try WireMessage.heartbeat.frames()[1] == Array(#"{"v":1}"#.utf8))
        #expect(try WireMessage.ready(.init(free: 2)).frames()[1] == Array(#"{"free":2,"v":1}"#.utf8))
        #expect(try WireMessage.ack(.init(trial: "t", attempt: 3)).frames()[1]
            == Array(#"{"attempt":3,"trial":"t","v":1}"#.utf8))
    }

    @Test func inlineArtifactsFollowTheHeaderInRoleOrder() throws {
        guard case .assign(let assignment) = MessageSamples.all[8] else { Issue.record("not an ASSIGN"); return }
        let frames = try WireMessage.assign(assignment).frames()
        #expect(frames.count == 4)
        // parent-mask sorts before parent-weights; rewind-weights is named by digest only.
        #expect(frames[2] == MessageSamples.mask.bytes)
        #expect(frames[3] == MessageSamples.weights.bytes)
        let header = String(decoding: frames[1], as: UTF8.self)
        #expect(header.contains(#""role":"rewind-weights","sha256":"\#(MessageSamples.rewind.sha256.hex)","size":2000}"#))
    }

    /// Pins the recipe's JSON, which docs/PROTOCOL.md shows: a change here is a protocol change.
    @Test func recipeJSONIsPinned() throws {
        let recipe = TrialRecipe(model: ModelSpec.mlp(hidden: [300]), data: DataSpec(dataset: "mnist"),
                                 training: TrainingSpec(optimizer: .adam(0.0012), batchSize: 60, length: .iterations(50_000)),
                                 seed: 7, start: .control(.randomPrune, replicate: 1), reset: .original)
        let assignment = WireMessage.assign(.init(lease: "L", trial: "t", attempt: 1, recipe: recipe))
        let header = String(decoding: try assignment.frames()[1], as: UTF8.self)
        let expected = #"{"artifacts":[],"attempt":1,"lease":"L","recipe":{"data":{"dataset":"mnist","splitSeed":0,"validationSize":5000},"model":{"layers":[{"dense":{"units":300}}],"name":"mlp-300"},"reset":{"original":{}},"seed":7,"start":{"control":{"_0":"random-prune","replicate":1}},"training":{"batchSize":60,"drops":[],"evalEvery":100,"kernels":"auto","length":{"iterations":{"_0":50000}},"optimizer":{"beta1":0.9,"beta2":0.999,"epsilon":1e-08,"kind":"adam","learningRate":0.0012,"momentum":0.9,"weightDecay":0},"warmupIterations":0}},"trial":"t","v":1}"#
        #expect(header == expected)
    }

    /// `normalize` is written only when it is not the default, so standard recipes read as
    /// they always did; `unit` survives the trip, and an unknown scaling is malformed.
    @Test func recipeInputScalingIsWrittenOnlyWhenNotStandard() throws {
        var recipe = MessageSamples.recipe
        recipe.data.normalize = .standard
        let standard = try WireMessage.assign(.init(lease: "L", trial: "t", attempt: 1, recipe: recipe)).frames()
        #expect(!String(decoding: standard[1], as: UTF8.self).contains("normalize"))
        recipe.data.normalize = .unit
        let message = WireMessage.assign(.init(lease: "L", trial: "t", attempt: 1, recipe: recipe))
        let frames = try message.frames()
        let header = String(decoding: frames[1], as: UTF8.self)
        #expect(header.contains(#""normalize":"unit""#))
        #expect(try WireMessage(frames: frames) == message)
        let unknown = header.replacing(#""normalize":"unit""#, with: #""normalize":"minmax""#)
        #expect(throws: DecodeError.self) { try WireMessage(frames: [frames[0], Array(unknown.utf8)]) }
    }

    /// `kernels` is always written but optional to read: a coordinator from before it
    /// sends none, which means auto. An unknown choice is malformed, like any enumeration.
    @Test func recipeKernelsAreOptional() throws {
        var recipe = MessageSamples.recipe
        for kernels in KernelChoice.allCases {
            recipe.training.kernels = kernels
            let message = WireMessage.assign(.init(lease: "L", trial: "t", attempt: 1, recipe: recipe))
            let frames = try message.frames()
            #expect(String(decoding: frames[1], as: UTF8.self).contains(#""evalEvery":100,"kernels":"\#(kernels.rawValue)","length""#))
            #expect(try WireMessage(frames: frames) == message)
        }
        let frames = try WireMessage.assign(.init(lease: "L", trial: "t", attempt: 1, recipe: recipe)).frames()
        let header = String(decoding: frames[1], as: UTF8.self)
        for (field, expected) in [("", KernelChoice.auto), (#""kernels":null,"#, .auto), (#""kernels":"dense","#, .dense)] {
            let changed = header.replacing(#""kernels":"sparse","#, with: field)
            guard case .assign(let decoded) = try WireMessage(frames: [frames[0], Array(changed.utf8)]) else {
                Issue.record("not an ASSIGN")
                return
            }
            #expect(decoded.recipe.training.kernels == expected)
            var same = decoded.recipe
            same.training.kernels = recipe.training.kernels
            #expect(same == recipe)
        }
        let unknown = header.replacing(#""kernels":"sparse""#, with: #""kernels":"fast""#)
        let error = try #require(throws: DecodeError.self) { try WireMessage(frames: [frames[0], Array(unknown.utf8)]) }
        #expect(error.reason == "malformed-header")
        #expect(error.detail == #"recipe.training.kernels: "fast" is not a valid KernelChoice"#)
    }

    /// Infinities go as numbers too large for a double (what every JSON reader takes for
    /// infinity); NaN, which no JSON number is, as the string `"NaN"`.
    @Test func nonFiniteLossesTravelAsNumbersOrNaN() throws {
        let batch = WireMessage.metrics(.init(lease: "L", trial: "t", attempt: 1, points: [
            Evaluation(iteration: 10, split: .train, loss: .nan, accuracy: 0.1),
            Evaluation(iteration: 20, split: .train, loss: .infinity, accuracy: 0.1),
            Evaluation(iteration: 30, split: .train, loss: -.infinity, accuracy: 0.1),
        ]))
        let frames = try batch.frames()
        let header = String(decoding: frames[1], as: UTF8.self)
        #expect(header.contains(#""loss":"NaN""#))
        #expect(header.contains(#""loss":1e999,"#))
        #expect(header.contains(#""loss":-1e999,"#))
        guard case .metrics(let decoded) = try WireMessage(frames: frames) else { Issue.record("not METRICS"); return }
        #expect(decoded.points[0].loss.isNaN)
        #expect(decoded.points[1].loss == .infinity)
        #expect(decoded.points[2].loss == -.infinity)
    }

    /// What other writers send for a non-finite number: the strings of protocol version 1
    /// as first written, and Python's bare words.
    @Test func nonFiniteLossesAreReadInEveryWrittenForm() throws {
        let forms: [(String, Double)] = [
            (#""Infinity""#, .infinity), (#""-Infinity""#, -.infinity), (#""NaN""#, .nan), ("1e999", .infinity),
            ("-1e999", -.infinity), ("1E+400", .infinity), ("Infinity", .infinity), ("-Infinity", -.infinity), ("NaN", .nan),
        ]
        for (text, value) in forms {
            let header = #"{"v":1,"lease":"L","trial":"t","attempt":1,"points":[{"iteration":1,"split":"test","loss":\#(text),"accuracy":0.5}]}"#
            guard case .metrics(let decoded) = try WireMessage(frames: [Array("METRICS".utf8), Array(header.utf8)]) else {
                Issue.record("not METRICS")
                return
            }
            let loss = decoded.points[0].loss
            #expect(value.isNaN ? loss.isNaN : loss == value, "\(text)")
        }
        // A word where a number is not allowed is still malformed.
        let ready = [Array("READY".utf8), Array(#"{"v":1,"free":Infinity}"#.utf8)]
        #expect(throws: DecodeError.self) { try WireMessage(frames: ready) }
    }

    /// Digests in uppercase hex are the same digests; what is written back is lowercase.
    @Test func uppercaseDigestsAreReadAsLowercase() throws {
        let digest = String(repeating: "ab", count: 32)
        let header = #"{"v":1,"worker":"w","host":"","slots":1,"threads":1,"datasets":{"mnist":"\#(digest.uppercased())"},"files":{"mnist":{"f":"\#(digest.uppercased())"}},"running":[]}"#
        guard case .hello(let hello) = try WireMessage(frames: [Array("HELLO".utf8), Array(header.utf8)]) else {
            Issue.record("not HELLO")
            return
        }
        #expect(hello.datasets["mnist"]?.hex == digest)
        #expect(hello.fingerprint(of: "mnist") == DatasetFingerprint(combined: digest, files: ["f": digest]))
        let fetch = #"{"v":1,"sha256":["\#(digest.uppercased())"]}"#
        guard case .fetch(let request) = try WireMessage(frames: [Array("FETCH".utf8), Array(fetch.utf8)]) else {
            Issue.record("not FETCH")
            return
        }
        #expect(request.sha256.map(\.hex) == [digest])
    }

    /// A `RESULT` from a worker that does not measure training accuracy (or from before it
    /// was measured) lacks the four training fields: it still decodes, with NaN there.
    @Test func aResultWithoutTrainingAccuracyStillDecodes() throws {
        let message = WireMessage.result(.init(lease: "L-1", trial: "t-abc", attempt: 2, summary: MessageSamples.summary))
        let frames = try message.frames()
        var header = String(decoding: frames[1], as: UTF8.self)
        for field in [#""earlyStopTrainAccuracy":0.9934,"#, #""earlyStopTrainLoss":0.021,"#, #""finalTrainAccuracy":1,"#,
                      #""finalTrainLoss":0.0004,"#] {
            #expect(header.contains(field))
            header = header.replacing(field, with: "")
        }
        #expect(!header.contains("Train"))
        guard case .result(let decoded) = try WireMessage(frames: [frames[0], Array(header.utf8)]) else {
            Issue.record("not RESULT")
            return
        }
        #expect(decoded.summary.earlyStopTrainAccuracy.isNaN && decoded.summary.earlyStopTrainLoss.isNaN)
        #expect(decoded.summary.finalTrainAccuracy.isNaN && decoded.summary.finalTrainLoss.isNaN)
        var expected = MessageSamples.summary
        expected.earlyStopTrainAccuracy = 0
        expected.earlyStopTrainLoss = 0
        expected.finalTrainAccuracy = 0
        expected.finalTrainLoss = 0
        var got = decoded.summary
        got.earlyStopTrainAccuracy = 0
        got.earlyStopTrainLoss = 0
        got.finalTrainAccuracy = 0
        got.finalTrainLoss = 0
        #expect(got == expected, "every other field as sent")
        // Sent on, the missing values travel as NaN.
        let again = String(decoding: try WireMessage.result(decoded).frames()[1], as: UTF8.self)
        #expect(again.contains(#""earlyStopTrainAccuracy":"NaN","earlyStopTrainLoss":"NaN""#))
    }

    @Test func anOversizedHeaderIsRefusedBySender() {
        let huge = WireMessage.hello(.init(worker: "w", host: "h", slots: 1, threads: 1,
                                           datasets: Dictionary(uniqueKeysWithValues: (0 ..< 2000).map {
                                               ("dataset-\($0)", MessageSamples.digest)
                                           })))
        #expect(throws: EncodeError.self) { try huge.frames() }
    }

    @Test func longErrorTextsAreCut() throws {
        let failure = WireMessage.TrialFailure(lease: "L", trial: "t", attempt: 1,
                                               error: String(repeating: "é", count: 20_000))
        #expect(failure.error.utf8.count <= 16 * 1024)
        #expect(try WireMessage(frames: WireMessage.failed(failure).frames()) == .failed(failure))
    }

    @Test func rejectReasonsSayWhetherToGiveUp() {
        #expect(RejectReason.version.isFatal)
        #expect(RejectReason.datasetDiffers.isFatal)
        #expect(RejectReason(rawValue: "something-new").isFatal)
        #expect(!RejectReason.unknownWorker.isFatal)
    }
}

extension WireMessage: CustomTestStringConvertible {
    public var testDescription: String { typeName }
}
