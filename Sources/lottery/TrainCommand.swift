import ArgumentParser
import Foundation
import LotteryCore
import SweepPlan
import Trainer

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one iterative-pruning chain on this machine and print a row per trial.",
        discussion: """
            Levels 0 through --levels train in order: level 0 is the dense network from θ0; each \
            later level prunes the previous level's trained weights by magnitude and resets the \
            survivors to θ0 (or rewinds them). Defaults are the preset's (the paper's protocol). \
            The options are read as a one-chain sweep file saying the same would be, with the same \
            checks: its trials, their ids and their results are that sweep's.
            Example: lottery train --model lenet-300-100 --levels 6 --iterations 5000 --seed 0 --control reinit
            """)

    @Option(help: "A preset (\(Preset.all.map(\.name).joined(separator: ", "))) or an MLP as mlp-H1-H2-….")
    var model = "lenet-300-100"

    @Option(help: "Dataset name (\(DatasetInfo.all.map(\.name).joined(separator: ", "))).")
    var dataset = "fashion-mnist"

    @Option(help: "Folder of the dataset's files (default: the dataset's standard place).")
    var data: String?

    @Option(help: "Examples of the training file held out for validation.")
    var validationSize = 5_000

    @Option(help: "Input scaling: standard (per channel, mean 0 and std 1 over the training file) or unit (byte/255).")
    var normalize: InputScaling = .standard

    @Option(help: "Pruning rounds after the dense run; levels 0 through this many train.")
    var levels = 6

    @Option(help: "Training iterations per level (default: the preset's).")
    var iterations: Int?

    @Option(help: "Batch size (default: the preset's).")
    var batch: Int?

    @Option(help: "Optimizer: adam, sgd or momentum (default: the preset's).")
    var optimizer: OptimizerSpec.Kind?

    @Option(help: "Learning rate (default: the preset's).")
    var lr: Double?

    @Option(help: "Evaluate validation and test every this many iterations (and the training sample where the early stop may fall).")
    var evalEvery: Int?

    @Option(help: "How prunable layers compute: auto (per layer; docs/TRAINER.md), dense, or sparse (not for convolutions with batch normalization).")
    var kernels: KernelChoice = .auto

    @Option(help: "Fraction of each hidden fc layer's remaining weights pruned per level (default: the preset's).")
    var fcRate: Double?

    @Option(help: "Fraction of the output layer's remaining weights pruned per level (default: the preset's).")
    var outputRate: Double?

    @Flag(help: "Prune globally (one magnitude threshold over all pruned layers) instead of layer by layer.")
    var global = false

    @Option(help: "Reset survivors to the level-0 weights at this iteration instead of θ0.")
    var rewind: Int?

    @Option(help: "Seeds θ0 and the data order.")
    var seed: UInt64 = 0

    @Option(help: "A control to train at every pruned level: reinit or random-prune (repeatable).")
    var control: [ControlKind] = []

    @Option(help: "Training threads: OpenBLAS's, and the lanes a convolution splits a batch into.")
    var threads = 1

    @Option(help: "Where to write the table as CSV (default: runs/train/MODEL-seedSEED.csv).")
    var csv: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, not \(threads)") }
        _ = try plan()
    }

    func run() throws {
        BLAS.threads = threads
        let plan = try plan()
        let dense = plan.trials[0].recipe
        let loaded = try Dataset.load(dense.data)
        let optimizer = dense.training.optimizer
        let inputs = normalize == .unit ? "byte/255" : "standardized"
        print("\(dense.model.name) on \(loaded.info.name) (\(loaded.folder)): \(loaded.trainIndices.count) train, "
              + "\(loaded.validationIndices.count) validation, \(loaded.test.count) test; "
              + "\(optimizer.kind.rawValue) lr \(optimizer.learningRate), batch \(dense.training.batchSize), "
              + "\(dense.training.length), seed \(seed), inputs \(inputs), OpenBLAS \(BLAS.coreName) × \(BLAS.threads)")
        let trialColumn = "trial".padding(toLength: 16, withPad: " ", startingAt: 0)  // ids are 16 digits
        let table = TextTable(columns: [trialColumn, "level", "branch", "weights %", "early stop", "test acc @ES",
                                        "train acc @ES", "final test acc", "seconds"], minimumWidth: 12)
        print(table.header)
        var lines = [Self.csvHeader]
        try LocalRun(plan: plan).run(dataset: loaded, threads: threads) { trial, outcome in
            let summary = outcome.summary
            print(table.line([
                trial.id.rawValue, String(trial.level), trial.branch.description,
                String(format: "%.1f", summary.percentRemaining), String(summary.earlyStopIteration),
                String(format: "%.4f", summary.earlyStopTestAccuracy), String(format: "%.4f", summary.earlyStopTrainAccuracy),
                String(format: "%.4f", summary.finalTestAccuracy), String(format: "%.1f", summary.seconds),
            ]))
            lines.append(Self.csvLine(trial, summary))
        }
        let path = csv ?? "runs/train/\(model)-seed\(seed).csv"
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        print("wrote \(path)")
    }

    static let csvHeader =
        "trial,level,branch,weights_remaining_percent,early_stop_iteration,early_stop_test_accuracy,"
        + "min_validation_loss,final_test_accuracy,iterations,seconds,early_stop_train_accuracy,final_train_accuracy"

    /// A CSV line in `csvHeader`'s order, numbers at full precision.
    static func csvLine(_ trial: PlannedTrial, _ summary: RunSummary) -> String {
        [trial.id.rawValue, String(trial.level), trial.branch.description, "\(summary.percentRemaining)",
         String(summary.earlyStopIteration), "\(summary.earlyStopTestAccuracy)", "\(summary.minValidationLoss)",
         "\(summary.finalTestAccuracy)", String(summary.iterations), "\(summary.seconds)",
         "\(summary.earlyStopTrainAccuracy)", "\(summary.finalTrainAccuracy)"].joined(separator: ",")
    }

    // MARK: The options as a one-chain sweep

    /// The one-chain sweep these options describe, planned as `lottery run` plans a sweep
    /// file: the sweep reader checks it with the same rules, and its trials are the ones
    /// a sweep file saying the same would have, ids included.
    func plan() throws -> Plan {
        let (text, flags) = try sweepText()
        let sweep: Sweep
        do {
            sweep = try Sweep(yaml: text, file: "lottery train")
        } catch let error as SweepError {
            let problems = error.diagnostics.map { problem in
                let flag = flags[problem.location.line] ?? "lottery train"
                return "\(flag): \(problem.message)" + (problem.suggestion.map { " (\($0))" } ?? "")
            }
            throw ValidationError(problems.isEmpty ? error.description : problems.joined(separator: "\n"))
        }
        let plan = Plan(sweep)
        guard plan.chains.count == 1 else { throw ValidationError("the options describe \(plan.chains.count) chains, not one") }
        return plan
    }

    /// The sweep file, a line per option given, and which option each line says.
    func sweepText() throws -> (text: String, flags: [Int: String]) {
        var lines: [String] = []
        var flags: [Int: String] = [:]
        func line(_ text: String, _ flag: String? = nil) {
            lines.append(text)
            if let flag { flags[lines.count] = flag }
        }
        line("name: train")
        line("dataset:")
        line("  name: \(Self.quoted(dataset))", "--dataset")
        if let data { line("  path: \(Self.quoted(data))", "--data") }
        line("  validation: \(validationSize)", "--validation-size")
        line("  normalize: \(normalize.rawValue)", "--normalize")
        if let hidden = try mlpSizes() {
            line("model:")
            line("  preset: lenet-300-100", "--model")
            line("  hidden: [\(hidden.map(String.init).joined(separator: ", "))]", "--model")
        } else {
            line("model: \(Self.quoted(model))", "--model")
        }
        line("training:")
        if let iterations { line("  length: \(iterations)it", "--iterations") }
        if let batch { line("  batch: \(batch)", "--batch") }
        if let optimizer { line("  optimizer: \(optimizer.rawValue)", "--optimizer") }
        if let lr { line("  lr: \(Self.number(lr))", "--lr") }
        if let evalEvery { line("  eval_every: \(evalEvery)", "--eval-every") }
        line("  kernels: \(kernels.rawValue)", "--kernels")
        if global || fcRate != nil || outputRate != nil {
            line("pruning:")
            if global { line("  scope: global", "--global") }
            if fcRate != nil || outputRate != nil {
                line("  rates:")
                if let fcRate { line("    fc: \(Self.number(fcRate))", "--fc-rate") }
                if let outputRate { line("    output: \(Self.number(outputRate))", "--output-rate") }
            }
        }
        line("levels: \(levels)", "--levels")
        if let rewind { line("reset: rewind:\(rewind)", "--rewind") }
        if !control.isEmpty {
            let counts = ControlKind.allCases.compactMap { kind -> String? in
                let count = control.filter { $0 == kind }.count
                return count == 0 ? nil : "\(kind.rawValue.replacingOccurrences(of: "-", with: "_")): \(count)"
            }
            line("controls: {\(counts.joined(separator: ", "))}", "--control")
        }
        line("seeds: [\(seed)]", "--seed")
        return (lines.joined(separator: "\n") + "\n", flags)
    }

    /// `mlp-H1-H2-…`: the hidden sizes of a custom MLP trained with LeNet's protocol; nil
    /// for a preset's name, which the sweep reader checks.
    private func mlpSizes() throws -> [Int]? {
        let parts = model.split(separator: "-")
        guard parts.first == "mlp" else { return nil }
        let sizes = parts.dropFirst().compactMap { Int($0) }
        guard parts.count >= 2, sizes.count == parts.count - 1, sizes.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--model: '\(model)' is not an MLP: write mlp-H1-H2-… with positive layer sizes, "
                                  + "e.g. mlp-300-100, or a preset (\(Preset.all.map(\.name).joined(separator: ", ")))")
        }
        return sizes
    }

    /// A YAML double-quoted scalar: any text reads back as itself.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A number as YAML reads it back exactly (`1e-05` is a string to YAML 1.1).
    private static func number(_ value: Double) -> String {
        var text = "\(value)"
        if text.contains("e"), !text.contains(".") { text = text.replacingOccurrences(of: "e", with: ".0e") }
        return text
    }
}

extension OptimizerSpec.Kind: ExpressibleByArgument {}
extension ControlKind: ExpressibleByArgument {}
extension KernelChoice: ExpressibleByArgument {}
extension InputScaling: ExpressibleByArgument {}
