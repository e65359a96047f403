import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Journal
import LotteryCore
import SweepPlan
import Testing
@testable import Reports

/// Two pruning rates (so the dense runs are shared by both configs), two levels, two reinit
/// controls per level, two seeds: 26 trials.
let tinySweep = """
    name: tiny
    dataset: fashion-mnist
    model: lenet-300-100
    training:
      length: 200it
      eval_every: 100
    pruning:
      rates: {fc: [0.2, 0.5], output: 0.1}
    levels: 2
    controls:
      reinit: 2
    seeds: 2
    """

/// A journal in a fresh temporary folder, begun with a sweep, that a test fills through the
/// Journal API as a coordinator would.
final class JournalFixture {
    let folder: URL
    let journal: Journal
    let sweep: Sweep
    let plan: Plan
    var path: String { folder.appendingPathComponent("sweep.sqlite").path }
    private var clock = 1_000.0

    init(yaml: String = tinySweep) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("reports-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        sweep = try Sweep(yaml: yaml, file: "tiny.yaml")
        plan = Plan(sweep)
        journal = try Journal(path: folder.appendingPathComponent("sweep.sqlite").path)
        _ = try journal.begin(sweep: sweep, plan: plan, at: 0)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The trial at `level` of `branch` for `seed` (and fc rate, unless it is a shared dense run).
    func trial(level: Int, _ branch: Branch, seed: UInt64, fc: String? = nil) -> PlannedTrial {
        let found = plan.trials.filter {
            $0.level == level && $0.branch == branch && $0.recipe.seed == seed
                && (fc == nil || $0.parameter("pruning.rates.fc") == fc)
        }
        precondition(found.count == 1, "\(found.count) trials match level \(level) \(branch) seed \(seed) fc \(fc ?? "-")")
        return found[0]
    }

    func dense(seed: UInt64) -> PlannedTrial { trial(level: 0, .dense, seed: seed) }

    private func tick() -> Double {
        clock += 1
        return clock
    }

    func start(_ trial: PlannedTrial, attempt: Int = 1, worker: String = "w1") throws {
        try journal.recordAssignment(trial.id, attempt: attempt, worker: worker, at: tick())
    }

    func stream(_ trial: PlannedTrial, attempt: Int = 1, _ points: [Evaluation]) throws {
        try journal.recordMetrics(trial.id, attempt: attempt, points)
    }

    /// Runs `trial` to the end: assigned, streamed, done.
    func finish(_ trial: PlannedTrial, attempt: Int = 1, worker: String = "w1", accuracy: Double,
                earlyStop: Int = 100, minLoss: Double = 0.5, finalAccuracy: Double? = nil, seconds: Double = 2.5,
                layers: [LayerDensity]? = nil, points: [Evaluation] = [], trainAccuracy: Double? = nil,
                finalTrainAccuracy: Double? = nil) throws {
        try start(trial, attempt: attempt, worker: worker)
        if !points.isEmpty { try stream(trial, attempt: attempt, points) }
        let summary = RunSummary(
            iterations: 200, earlyStopIteration: earlyStop, minValidationLoss: minLoss, earlyStopTestAccuracy: accuracy,
            finalValidationLoss: minLoss + 0.25, finalValidationAccuracy: accuracy - 0.125, finalTestLoss: minLoss + 0.5,
            finalTestAccuracy: finalAccuracy ?? accuracy - 0.0625,
            earlyStopTrainAccuracy: trainAccuracy ?? .nan, earlyStopTrainLoss: trainAccuracy == nil ? .nan : minLoss / 2,
            finalTrainAccuracy: finalTrainAccuracy ?? .nan, finalTrainLoss: finalTrainAccuracy == nil ? .nan : minLoss / 4,
            layers: layers ?? Self.layers(level: trial.level), seconds: seconds)
        let recorded = try journal.recordResult(trial.id, attempt: attempt, worker: worker, summary: summary,
                                                artifacts: [], at: tick())
        precondition(recorded)
    }

    func fail(_ trial: PlannedTrial, attempt: Int = 1, error: String, final: Bool) throws {
        try journal.recordFailure(trial.id, attempt: attempt, worker: "w1", error: error, final: final, at: tick())
    }

    /// Marks every descendant of `trial` skipped, as the coordinator does after a final failure.
    func skipDescendants(of trial: PlannedTrial, failed: TrialID? = nil) throws {
        for child in plan.children(of: trial.id) {
            try journal.recordSkipped(child.id, reason: "ancestor \(failed ?? trial.id) failed", at: tick())
            try skipDescendants(of: child, failed: failed ?? trial.id)
        }
    }

    /// LeNet-300-100's layers with half of fc1 and fc2 left per level and the output layer whole.
    static func layers(level: Int) -> [LayerDensity] {
        let keep = 1 << level
        return [LayerDensity(name: "fc1", kind: .fc, remaining: 235_200 / keep, total: 235_200),
                LayerDensity(name: "fc2", kind: .fc, remaining: 30_000 / keep, total: 30_000),
                LayerDensity(name: "output", kind: .output, remaining: 1_000, total: 1_000)]
    }

    /// Validation and test points at iterations 0, 100, 200 with the given test accuracies,
    /// and training-sample points `trainGap` above them when it is given.
    static func points(test accuracies: [Double], trainGap: Double? = nil) -> [Evaluation] {
        accuracies.enumerated().flatMap { index, accuracy in
            (trainGap.map { [Evaluation(iteration: 100 * index, split: .train, loss: 0.5 / Double(index + 1),
                                        accuracy: min(1, accuracy + $0))] } ?? [])
            + [Evaluation(iteration: 100 * index, split: .validation, loss: 1.0 / Double(index + 1), accuracy: accuracy - 0.01),
               Evaluation(iteration: 100 * index, split: .test, loss: 1.5 / Double(index + 1), accuracy: accuracy)]
        }
    }

    func results() throws -> SweepResults {
        try SweepResults(journalPath: path, readSweep: Sweep.init(yaml:file:))
    }
}

/// A parsed CSV file: RFC 4180 (quoted fields may hold commas, doubled quotes and line breaks).
struct ParsedCSV {
    var header: [String]
    var rows: [[String]]

    init(_ text: String) {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        header = records.first ?? []
        rows = Array(records.dropFirst())
    }

    /// The rows as dictionaries by column name.
    var dictionaries: [[String: String]] {
        rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// The row whose `column` is `value`.
    func row(_ column: String, _ value: String) -> [String: String]? {
        dictionaries.first { $0[column] == value }
    }
}

/// An XML element tree, from Foundation's parser.
final class XMLNode {
    let name: String
    let attributes: [String: String]
    var children: [XMLNode] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Every element below this one (depth first) named `name`.
    func all(_ name: String) -> [XMLNode] {
        children.flatMap { ($0.name == name ? [$0] : []) + $0.all(name) }
    }

    /// Parses `text`; nil (with the parser's error recorded) when it is not well-formed XML.
    static func parse(_ text: String) -> XMLNode? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            Issue.record("not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "no root")")
            return nil
        }
        return root
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = XMLNode(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

extension JournalFixture {
    /// The tiny sweep with every trial done, with round numbers (test accuracy at early stop):
    ///
    /// | trials | seed 0 | seed 1 |
    /// |---|---|---|
    /// | dense (shared) | 0.5, iteration 100 | 0.75, iteration 200 |
    /// | fc 0.2 ticket L1, L2 | 0.625, 0.62 | 0.625, 0.625 |
    /// | fc 0.2 reinit L1 (#0, #1) | 0.25, 0.5 | 0.75, 1.0 |
    /// | fc 0.2 reinit L2 | 0.5 each | 0.5 each |
    /// | fc 0.5 ticket L1, L2 | 0.625, 0.5 | 0.625, 0.5 |
    /// | fc 0.5 reinit | 0.25 each | 0.25 each |
    ///
    /// So the dense mean is 0.625: at fc 0.2 the ticket matches it (within 0.5 points) at both
    /// levels, reinit at level 1 only; at fc 0.5 the ticket at level 1 only, reinit never.
    /// Early stop is at iteration 100 except where the table says; weights remaining are the
    /// plan's expected ones.
    ///
    /// With `training`, the trials also measured training accuracy, as trials do now: at early
    /// stop it is the test accuracy plus a gap of 0.25 for the dense runs, 0.125 for the tickets
    /// and 0 for the controls, and at the end it is 1. Without, the journal is one written
    /// before training accuracy was measured.
    static func finished(training: Bool = false) throws -> JournalFixture {
        let fixture = try JournalFixture()
        for trial in fixture.plan.trials {
            let seed = Int(trial.recipe.seed)
            let fc = trial.parameter("pruning.rates.fc")
            let accuracy: Double
            switch (trial.branch, fc, trial.level) {
            case (.dense, _, _): accuracy = [0.5, 0.75][seed]
            case (.ticket, "0.2", 1): accuracy = 0.625
            case (.ticket, "0.2", _): accuracy = [0.62, 0.625][seed]
            case (.control(_, let replicate), "0.2", 1): accuracy = [[0.25, 0.5], [0.75, 1.0]][seed][replicate]
            case (.control, "0.2", _): accuracy = 0.5
            case (.ticket, _, 1): accuracy = 0.625
            case (.ticket, _, _): accuracy = 0.5
            default: accuracy = 0.25
            }
            let earlyStop = trial.branch == .dense ? [100, 200][seed] : 100
            let gap = trial.branch == .dense ? 0.25 : trial.branch == .ticket ? 0.125 : 0
            try fixture.finish(trial, accuracy: accuracy, earlyStop: earlyStop, layers: layers(fraction: trial.weightsRemaining),
                               points: points(test: [0.1, accuracy, accuracy - 0.0625], trainGap: training ? gap : nil),
                               trainAccuracy: training ? accuracy + gap : nil, finalTrainAccuracy: training ? 1 : nil)
        }
        return fixture
    }

    /// LeNet-300-100's layers with `fraction` of the fc layers left and the output layer whole.
    static func layers(fraction: Double) -> [LayerDensity] {
        [LayerDensity(name: "fc1", kind: .fc, remaining: Int((235_200 * fraction).rounded()), total: 235_200),
         LayerDensity(name: "fc2", kind: .fc, remaining: Int((30_000 * fraction).rounded()), total: 30_000),
         LayerDensity(name: "output", kind: .output, remaining: 1_000, total: 1_000)]
    }
}
