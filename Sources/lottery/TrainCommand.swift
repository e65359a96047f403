import ArgumentParser
import Foundation
import SweepPlan
import Trainer

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one iterative-pruning chain on this machine and print a row per level.",
        discussion: """
            Levels 0 through --levels train in order: level 0 is the dense network from θ0; each \
            later level prunes the previous level's trained weights by magnitude and resets the \
            survivors to θ0 (or rewinds them). Defaults are the preset's (the paper's protocol).
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

    @Option(help: "Evaluate the training sample, validation and test every this many iterations.")
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

    @Option(help: "OpenBLAS threads for this process.")
    var threads = 1

    @Option(help: "Where to write the table as CSV (default: runs/train/MODEL-seedSEED.csv).")
    var csv: String?

    func validate() throws {
        guard levels >= 0 else { throw ValidationError("--levels must be 0 or more, not \(levels)") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, not \(threads)") }
        if let iterations, iterations <= 0 { throw ValidationError("--iterations must be positive, not \(iterations)") }
        if let batch, batch <= 0 { throw ValidationError("--batch must be positive, not \(batch)") }
        if let evalEvery, evalEvery <= 0 { throw ValidationError("--eval-every must be positive, not \(evalEvery)") }
        for (name, rate) in [("--fc-rate", fcRate), ("--output-rate", outputRate)] {
            if let rate, !(rate >= 0 && rate < 1) {
                throw ValidationError("\(name) must be in [0, 1), not \(rate)")
            }
        }
        let (modelSpec, _) = try resolvedModel()
        // An unknown dataset is reported when it is loaded.
        if kernels == .sparse, let info = DatasetInfo.named(dataset),
           let refusal = KernelChoice.sparseRefusal(
               model: modelSpec, shapes: modelSpec.weightShapes(input: info.inputShape, classes: info.classes)) {
            throw ValidationError("--kernels \(refusal); \(KernelChoice.sparseAlternative)")
        }
    }

    func run() throws {
        BLAS.threads = threads
        let (modelSpec, preset) = try resolvedModel()
        var training = preset.training
        if let iterations { training.length = .iterations(iterations) }
        if let batch { training.batchSize = batch }
        if let optimizer { training.optimizer.kind = optimizer }
        if let lr { training.optimizer.learningRate = lr }
        if let evalEvery { training.evalEvery = evalEvery }
        training.kernels = kernels
        var pruning = preset.pruning
        if let fcRate { pruning.rates.fc = fcRate }
        if let outputRate { pruning.rates.output = outputRate }
        if global { pruning.scope = .global }
        let dataSpec = DataSpec(dataset: dataset, path: data, validationSize: validationSize, normalize: normalize)
        let chain = LocalChain(model: modelSpec, data: dataSpec, training: training, pruning: pruning,
                               levels: levels, seed: seed, reset: rewind.map { .rewind(iteration: $0) } ?? .original,
                               controls: control)

        let loaded = try Dataset.load(dataSpec)
        print("\(modelSpec.name) on \(loaded.info.name) (\(loaded.folder)): \(loaded.trainIndices.count) train, "
              + "\(loaded.validationIndices.count) validation, \(loaded.test.count) test; "
              + "\(training.optimizer.kind.rawValue) lr \(training.optimizer.learningRate), batch \(training.batchSize), "
              + "\(training.length), seed \(seed), inputs \(normalize == .unit ? "byte/255" : "standardized"), "
              + "OpenBLAS \(BLAS.coreName) × \(BLAS.threads)")
        let table = TextTable(columns: ["level", "branch", "weights %", "early stop", "test acc @ES",
                                        "train acc @ES", "final test acc", "seconds"], minimumWidth: 12)
        print(table.header)
        let rows = try chain.run(dataset: loaded) { row in
            print(table.line([
                String(row.level), row.branch, String(format: "%.1f", row.summary.percentRemaining),
                String(row.summary.earlyStopIteration), String(format: "%.4f", row.summary.earlyStopTestAccuracy),
                String(format: "%.4f", row.summary.earlyStopTrainAccuracy),
                String(format: "%.4f", row.summary.finalTestAccuracy), String(format: "%.1f", row.summary.seconds),
            ]))
        }
        let path = csv ?? "runs/train/\(modelSpec.name)-seed\(seed).csv"
        let text = ([LocalChain.Row.csvHeader] + rows.map(\.csvLine)).joined(separator: "\n") + "\n"
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        print("wrote \(path)")
    }

    private func resolvedModel() throws -> (ModelSpec, Preset) {
        if let preset = Preset.named(model) { return (preset.model, preset) }
        let parts = model.split(separator: "-")
        if parts.first == "mlp", parts.count >= 2 {
            let sizes = parts.dropFirst().compactMap { Int($0) }
            if sizes.count == parts.count - 1, sizes.allSatisfy({ $0 > 0 }) {
                // A custom MLP trains with LeNet's protocol unless told otherwise.
                return (.mlp(hidden: sizes), Preset.lenet300100)
            }
        }
        throw ValidationError("unknown model '\(model)': use a preset (\(Preset.all.map(\.name).joined(separator: ", "))) "
                              + "or mlp-H1-H2-… with positive layer sizes, e.g. mlp-300-100")
    }
}

extension OptimizerSpec.Kind: ExpressibleByArgument {}
extension ControlKind: ExpressibleByArgument {}
extension KernelChoice: ExpressibleByArgument {}
extension InputScaling: ExpressibleByArgument {}
