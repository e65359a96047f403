import Foundation
import LotteryCore
import TestSupport
import Testing

@testable import SweepPlan

/// A seeded random-input test of the sweep-file reader, bounded so that it runs in
/// every CI build: mutations of the shipped sweeps and of FuzzCorpus/ (bytes
/// flipped, deleted, duplicated, lines swapped, YAML punctuation inserted) must
/// each give a sweep or a `SweepError` — never a crash or a hang.
@Suite struct SweepFileFuzzTests {
    private static func corpus() throws -> [[UInt8]] {
        let root = packageRoot()
        let folders = [root.appendingPathComponent("sweeps"),
                       root.appendingPathComponent("Tests/SweepPlanTests/FuzzCorpus")]
        var inputs: [[UInt8]] = []
        for folder in folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".yaml") {
                inputs.append([UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
            }
        }
        return inputs
    }

    private static let punctuation = Array(":-[]{},#&*!|>'\"%@`?\n\t ".utf8)

    private func mutate(_ input: [UInt8], with generator: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...8, using: &generator) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0: bytes[at] ^= UInt8.random(in: 1...255, using: &generator)
            case 1: bytes.remove(at: at)
            case 2: bytes.insert(Self.punctuation.randomElement(using: &generator)!, at: at)
            case 3:
                let end = min(bytes.count, at + Int.random(in: 1...40, using: &generator))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            case 4:
                let end = min(bytes.count, at + Int.random(in: 1...200, using: &generator))
                bytes.removeSubrange(at..<end)
            default:
                var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
                if lines.count > 1 {
                    lines.swapAt(Int.random(in: 0..<lines.count, using: &generator), Int.random(in: 0..<lines.count, using: &generator))
                }
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            }
        }
        return bytes
    }

    /// Each mutated file gives a sweep or a `SweepError`, never a crash or a hang, and
    /// each outcome holds up: a rejection names at least one place in the file and says
    /// what is wrong there; an accepted file (every fourth) plans the same trials when read
    /// again, each id the hash of its recipe and parent, parents first. Seconds of work: on a thread
    /// of its own, not one of the pool's.
    @Test func mutatedSweepFilesNeverCrashTheReader() async throws {
        let corpus = try Self.corpus()
        try #require(corpus.count >= 5)
        let (accepted, rejected, problems) = try await onOwnThread { () throws -> (Int, Int, [String]) in
            var generator = SeededRandom(seed: 20261130)
            var accepted = 0
            var rejected = 0
            var problems: [String] = []
            for round in 0..<1_500 {
                let input = self.mutate(corpus[round % corpus.count], with: &generator)
                // Bytes that are not UTF-8 are read the way a file would be: repaired.
                let text = String(decoding: input, as: UTF8.self)
                let file = "fuzz-\(round).yaml"
                do {
                    let plan = Plan(try Sweep(yaml: text, file: file))
                    accepted += 1
                    // Reading a file again and hashing every recipe cost more than the first
                    // reading: every fourth accepted file is checked so.
                    if accepted % 4 == 0 { problems += Self.problems(of: plan, readAgainFrom: text, file: file) }
                } catch let error as SweepError {
                    rejected += 1
                    problems += Self.problems(of: error, in: text, file: file)
                }
            }
            return (accepted, rejected, problems)
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(5))")
        #expect(accepted > 0 && rejected > 0, "accepted \(accepted), rejected \(rejected)")
    }

    private static func problems(of error: SweepError, in text: String, file: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        guard !error.diagnostics.isEmpty else { return ["\(file): rejected without a diagnostic: \(error)"] }
        return error.diagnostics.compactMap { problem in
            let place = problem.location
            guard place.file == file, (1...lines + 1).contains(place.line), place.column >= 1,
                  !problem.message.isEmpty else {
                return "\(file): a diagnostic at \(place) of a \(lines)-line file: \(problem)"
            }
            return nil
        }
    }

    private static func problems(of plan: Plan, readAgainFrom text: String, file: String) -> [String] {
        guard let again = try? Plan(Sweep(yaml: text, file: file)), again.trials.map(\.id) == plan.trials.map(\.id) else {
            return ["\(file): read again, it plans other trials"]
        }
        var seen: Set<TrialID> = []
        for trial in plan.trials {
            guard trial.id == TrialID(recipe: trial.recipe, parent: trial.parent) else {
                return ["\(file): trial \(trial.id) is not the hash of its recipe and parent"]
            }
            guard trial.parent.map(seen.contains) ?? true else {
                return ["\(file): trial \(trial.id) comes before its parent"]
            }
            seen.insert(trial.id)
        }
        return []
    }
}

/// The corpus libFuzzer found (`scripts/fuzz sweep`, Fuzz/SweepFuzzer.swift), replayed in
/// every run as regression tests: each input gives a sweep, whose plan is built, or a
/// `SweepError`.
@Suite struct SweepFuzzCorpusTests {
    @Test func everyInputLibFuzzerFoundIsReadWithoutACrash() throws {
        let folder = packageRoot().appendingPathComponent("Tests/SweepPlanTests/FuzzCorpus/sweep")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        try #require(names.count >= 100, "the corpus is missing from \(folder.path)")
        var accepted = 0
        for name in names {
            let input = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
            do {
                let sweep = try Sweep(yaml: String(decoding: input, as: UTF8.self), file: name)
                _ = Plan(sweep).summary
                accepted += 1
            } catch is SweepError {
            }
        }
        // The shipped sweeps are among the inputs, and still read.
        #expect(accepted > 0)
    }
}

/// SplitMix64: a small seeded generator, so the fuzz inputs are the same every run.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
