import LotteryCore
import Wire

/// Seeded random messages of every type, with awkward values: strings with quotes,
/// backslashes, slashes, control characters and non-ASCII text; integers at their
/// extremes; doubles that are NaN, infinite, negative zero, subnormal or huge.
struct RandomMessages {
    var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    mutating func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
    mutating func chance(_ inOneOf: Int) -> Bool { below(inOneOf) == 0 }

    mutating func string(maxLength: Int = 12) -> String {
        let pieces: [String] = ["a", "Z", "7", "-", "_", " ", "\"", "\\", "/", "\n", "\t", "\u{8}", "\u{c}", "\r",
                                "\u{0}", "\u{1f}", "\u{7f}", "é", "ß", "€", "😀", "\u{2028}", "𝄞", "{", "}", ":", ",", "[", "NaN"]
        return (0 ..< below(maxLength + 1)).map { _ in pieces[below(pieces.count)] }.joined()
    }

    mutating func identifier() -> String {
        chance(4) ? string() : ["L-1", "t-abc", "node-7", "fashion-mnist", "c-5f2e", "w"][below(6)]
    }

    mutating func int() -> Int {
        switch below(6) {
        case 0: [Int.min, Int.max, -1, 0, 1 << 53, (1 << 53) + 1][below(6)]
        case 1: Int(truncatingIfNeeded: random.next())
        default: below(2_000) - (chance(8) ? 1_000 : 0)
        }
    }

    mutating func uint64() -> UInt64 {
        chance(2) ? random.next() : [0, 1, UInt64.max, 1 << 53, (1 << 53) + 1, 18_446_744_073_709_551_557][below(6)]
    }

    mutating func double() -> Double {
        switch below(8) {
        case 0: [Double.nan, .infinity, -.infinity, -0.0, 0, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                 .leastNormalMagnitude, 1e-8, 1e15, 1e16, 123456789012345680, 0.1, 2.5e-300][below(14)]
        case 1: Double(bitPattern: random.next())
        case 2: Double(int())
        case 3: Double(below(1_000_000)) / 1_000
        default: Double(random.next() >> 11) / Double(1 << 53) * (chance(2) ? 1 : 100)
        }
    }

    mutating func accuracy() -> Double { chance(10) ? double() : Double(below(1_001)) / 1_000 }

    mutating func digest() -> SHA256Digest {
        SHA256Digest(bytes: (0 ..< 32).map { _ in UInt8(truncatingIfNeeded: random.next()) })!
    }

    mutating func artifact() -> Artifact {
        chance(2) ? Artifact.mask((0 ..< below(40)).map { _ in chance(2) })
                  : Artifact.weights((0 ..< below(20)).map { _ in Float(below(1000)) / 7 })
    }

    mutating func layer() -> LayerSpec {
        switch below(7) {
        case 0: .dense(units: int())
        case 1: .conv3x3(channels: int())
        case 2: .maxPool2x2
        case 3: .convBN(channels: int(), stride: int())
        case 4: .residualBlock(channels: int(), stride: int())
        case 5: .globalAveragePool
        default: .dropout(rate: double())
        }
    }

    mutating func recipe() -> TrialRecipe {
        let optimizer = OptimizerSpec(kind: OptimizerSpec.Kind.allCases[below(3)], learningRate: double(),
                                      momentum: double(), weightDecay: double(), beta1: double(), beta2: double(),
                                      epsilon: double())
        let training = TrainingSpec(optimizer: optimizer, batchSize: int(),
                                    length: chance(2) ? .iterations(int()) : .epochs(int()), evalEvery: int(),
                                    warmupIterations: int(),
                                    drops: (0 ..< below(3)).map { _ in LearningRateDrop(iteration: int(), factor: double()) },
                                    kernels: KernelChoice.allCases[below(KernelChoice.allCases.count)])
        let start: TrialRecipe.Start = switch below(3) {
        case 0: .dense
        case 1: .prune(PruningSpec(scope: chance(2) ? .layerwise : .global,
                                   rates: LayerRates(conv: double(), fc: double(), output: double())))
        default: .control(chance(2) ? .reinit : .randomPrune, replicate: int())
        }
        return TrialRecipe(model: ModelSpec(name: string(), layers: (0 ..< below(5)).map { _ in layer() }),
                           data: DataSpec(dataset: string(), path: chance(2) ? string() : nil,
                                          validationSize: int(), splitSeed: uint64()),
                           training: training, seed: uint64(), start: start,
                           reset: chance(2) ? .original : .rewind(iteration: int()),
                           keepWeightsAt: chance(2) ? int() : nil)
    }

    mutating func summary() -> RunSummary {
        RunSummary(iterations: int(), earlyStopIteration: int(), minValidationLoss: double(),
                   earlyStopTestAccuracy: accuracy(), finalValidationLoss: double(), finalValidationAccuracy: accuracy(),
                   finalTestLoss: double(), finalTestAccuracy: accuracy(),
                   earlyStopTrainAccuracy: chance(3) ? .nan : accuracy(), earlyStopTrainLoss: double(),
                   finalTrainAccuracy: chance(3) ? .nan : accuracy(), finalTrainLoss: double(),
                   layers: (0 ..< below(4)).map { _ in
                       LayerDensity(name: identifier(), kind: LayerKind.allCases[below(3)], remaining: int(), total: int())
                   },
                   seconds: chance(4) ? double() : Double(below(100)))
    }

    mutating func message() -> WireMessage {
        switch below(16) {
        case 0:
            return .hello(.init(worker: identifier(), host: identifier(), slots: int(), threads: int(),
                                datasets: Dictionary((0 ..< below(4)).map { _ in (string(), digest()) },
                                                     uniquingKeysWith: { first, _ in first }),
                                files: chance(2) ? nil : Dictionary((0 ..< below(3)).map { _ in
                                    (string(), Dictionary((0 ..< below(4)).map { _ in (string(), digest()) },
                                                          uniquingKeysWith: { first, _ in first }))
                                }, uniquingKeysWith: { first, _ in first }),
                                running: (0 ..< below(3)).map { _ in .init(lease: identifier(), trial: identifier(), attempt: int()) }))
        case 1: return .ready(.init(free: int()))
        case 2: return .fetch(.init(sha256: (0 ..< below(4)).map { _ in digest() }))
        case 3:
            return .metrics(.init(lease: identifier(), trial: identifier(), attempt: int(),
                                  points: (0 ..< below(5)).map { _ in
                                      Evaluation(iteration: int(), split: Split.allCases[below(3)], loss: double(),
                                                 accuracy: accuracy())
                                  }))
        case 4:
            var artifacts: [ArtifactRole: Artifact] = [:]
            for role in [ArtifactRole.mask, .finalWeights, .rewindWeights] where chance(2) {
                let artifact = artifact()
                artifacts[role] = role.kind == .mask ? Artifact.mask((0 ..< below(30)).map { _ in chance(2) })
                                                      : (artifact.kind == .weights ? artifact : Artifact.weights([1]))
            }
            return .result(.init(lease: identifier(), trial: identifier(), attempt: int(), summary: summary(), artifacts: artifacts))
        case 5:
            return .failed(.init(lease: identifier(), trial: identifier(), attempt: int(), error: string(maxLength: 40),
                                 retryable: chance(2)))
        case 6: return .bye
        case 7:
            var welcome = WireMessage.Welcome(coordinator: identifier(), sweep: identifier())
            welcome.heartbeatMs = int()
            welcome.deadAfterMs = int()
            return .welcome(welcome)
        case 8:
            var attachments: [ArtifactRole: WireMessage.Attachment] = [:]
            for role in [ArtifactRole.parentMask, .parentWeights, .rewindWeights] where chance(2) {
                let artifact = role.kind == .mask ? Artifact.mask((0 ..< below(30)).map { _ in chance(2) })
                                                  : Artifact.weights((0 ..< below(10)).map { Float($0) })
                attachments[role] = chance(2) ? .inline(artifact) : .byDigest(artifact.reference)
            }
            return .assign(.init(lease: identifier(), trial: identifier(), attempt: int(), recipe: recipe(),
                                 artifacts: attachments))
        case 9: return .artifacts(.init(artifacts: (0 ..< below(3)).map { _ in artifact() },
                                        missing: (0 ..< below(3)).map { _ in digest() }))
        case 10: return .ack(TrialAttempt(trial: identifier(), attempt: int()))
        case 11: return .cancel(.init(lease: identifier(), trial: identifier(), attempt: int(), reason: string()))
        case 12: return .reject(.init(reason: RejectReason(rawValue: identifier()), detail: string(),
                                      versions: (0 ..< below(3)).map { _ in int() }))
        case 13: return .drain
        case 14: return .shutdown
        default: return .heartbeat
        }
    }
}
