import ArgumentParser
import Benchmarks
import Foundation
import LotteryCore
import Trainer

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print numbers (recorded in docs/BENCHMARKS.md).",
        subcommands: [TrainerBench.self, SparseBench.self, CoordinatorBench.self, JournalBench.self])
}

struct TrainerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainer",
        abstract: "Training samples per second of a preset at its batch size, against its GEMMs alone.",
        discussion: """
            lenet-300-100 trains on Fashion-MNIST and also compares a 20% mask and processes side by side. \
            The conv presets train on CIFAR-10-shaped random data (3×32×32; the values do not change the \
            time) and compare Winograd with im2col convolutions.
            """)

    @Option(help: "The preset to train: \(Preset.all.map(\.name).joined(separator: ", ")).")
    var model = Preset.lenet300100.name

    @Option(help: """
        Timed training steps per measurement (default: 3000 for lenet-300-100; for conv presets 30, \
        fewer for the large ones: about 500 GFLOP of products, at least 3).
        """)
    var steps: Int?

    @Option(help: "Untimed steps before each measurement (default: 300, or 5 for conv presets, 2 for the large ones).")
    var warmup: Int?

    @Flag(inversion: .prefixedNo, help: "Conv presets: also time im2col everywhere, to compare with Winograd.")
    var compareIm2col = true

    @Option(help: "Measurements per figure; the median is printed.")
    var repeats = 3

    @Option(help: "Folder of Fashion-MNIST's files (default: its standard place).")
    var data: String?

    @Option(parsing: .upToNextOption,
            help: "The thread counts to measure, e.g. `--thread-counts 2 4` on a larger node (default: 1 2).")
    var threadCounts = [1, 2]

    @Option(name: .customLong("single"), help: .hidden)
    var singleDensity: Double?

    @Option(help: .hidden)
    var threads = 1

    private var isMLP: Bool { Preset.named(model)?.model.isMultilayerPerceptron ?? true }
    /// Multiply-adds of one example's forward pass through the preset's
    /// convolutions on CIFAR-10: what sizes the default number of steps.
    private var convolutionWork: Double {
        guard let preset = Preset.named(model) else { return 0 }
        return Double(preset.model.convolutionMultiplyAdds(input: DatasetInfo.cifar10.inputShape))
            * Double(preset.training.batchSize)
    }
    /// 30 steps, or as many as make about 500 GFLOP of training products (3 × the
    /// forward's), at least 3: VGG-19 at batch 64 does 150 GFLOP a step.
    private var timedSteps: Int {
        steps ?? (isMLP ? 3_000 : max(3, min(30, Int(500e9 / max(6 * convolutionWork, 1)))))
    }
    private var warmupSteps: Int { warmup ?? (isMLP ? 300 : timedSteps < 30 ? 2 : 5) }

    func validate() throws {
        guard Preset.named(model) != nil else {
            throw ValidationError("unknown preset '\(model)'; known: \(Preset.all.map(\.name).joined(separator: ", "))")
        }
        if threadCounts.isEmpty {
            throw ValidationError("--thread-counts needs at least one count, e.g. --thread-counts 1 2")
        }
        if let wrong = threadCounts.first(where: { !(1...256).contains($0) }) {
            throw ValidationError("--thread-counts \(wrong): a thread count is between 1 and 256")
        }
    }

    /// The data a preset is timed on: Fashion-MNIST for the MLP, CIFAR-10-shaped
    /// random examples for the conv nets.
    private func dataset(for preset: Preset) throws -> Dataset {
        preset.model.isMultilayerPerceptron
            ? try Dataset.load(DataSpec(dataset: "fashion-mnist", path: data))
            : try TrainerBenchmark.syntheticDataset(like: .cifar10, count: max(600, preset.training.batchSize * 10))
    }

    func run() throws {
        let preset = Preset.named(model)!
        let steps = timedSteps, warmup = warmupSteps
        let dataset = try dataset(for: preset)
        let benchmark = TrainerBenchmark(model: preset.model, training: preset.training, dataset: dataset)
        if let singleDensity {
            // One measurement in this process, for the side-by-side process runs.
            BLAS.threads = threads
            let rate = try benchmark.trainingThroughput(steps: steps, warmup: warmup, density: singleDensity)
            print("\(rate) \(peakResidentBytes() ?? 0)")
            return
        }
        guard preset.model.isMultilayerPerceptron else {
            try runConvolutional(preset, dataset: dataset)
            return
        }

        print("lottery bench trainer: \(preset.name), batch \(preset.training.batchSize), Adam, Fashion-MNIST")
        print("OpenBLAS kernel \(BLAS.coreName)"
              + (ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { " (OPENBLAS_CORETYPE=\($0))" } ?? "")
              + "; denormals flushed to zero in training threads")
        print("\(steps) timed steps after \(warmup) warm-up per measurement; medians of \(repeats); samples/s")
        print(String(format: "GEMM work per step: %.1f MFLOP", try benchmark.gemmFlopsPerStep() / 1e6))
        print("")
        let table = TextTable(columns: ["threads", "GEMMs alone", "dense", "20% mask", "mask/dense", "dense/GEMMs"],
                              minimumWidth: 10)
        print(table.header)
        for threadCount in threadCounts {
            BLAS.threads = threadCount
            let gemm = try median(repeats) { try benchmark.gemmThroughput(steps: steps) }
            let dense = try median(repeats) { try benchmark.trainingThroughput(steps: steps, warmup: warmup, density: 1) }
            let masked = try median(repeats) {
                try benchmark.trainingThroughput(steps: steps, warmup: warmup, density: 0.2)
            }
            print(table.line([
                "\(BLAS.threads)", groupedNumber(gemm), groupedNumber(dense), groupedNumber(masked),
                String(format: "%.2f", masked / dense), String(format: "%.0f%%", 100 * dense / gemm),
            ]))
        }

        print("")
        print("Processes side by side (dense), aggregate samples/s:")
        var pairs: [Double] = []
        var singles: [Double] = []
        var peak = 0
        for _ in 0..<repeats {
            let two = try childRuns(count: 2, threads: 1)
            pairs.append(two.map(\.rate).reduce(0, +))
            let one = try childRuns(count: 1, threads: 2)
            singles.append(one[0].rate)
            peak = max(peak, (two + one).map(\.peakBytes).max() ?? 0)
        }
        let pair = pairs.sorted()[pairs.count / 2]
        let single = singles.sorted()[singles.count / 2]
        print("  two 1-thread processes at once: \(groupedNumber(pair))")
        print("  one 2-thread process:           \(groupedNumber(single))")
        print(String(format: "  ratio: %.2f× (%@ is the default: one thread per worker)", pair / single,
                     pair >= single ? "two 1-thread workers win; 1 thread" : "one 2-thread worker wins; still"))
        print(String(format: "Peak resident memory of a process training on Fashion-MNIST: %.0f MB", Double(peak) / 1e6))
    }

    /// Conv presets: training with the default convolutions (Winograd where it
    /// pays) next to the time of the same step's GEMMs alone, against im2col
    /// everywhere, and evaluation; then what one paper-length trial takes.
    private func runConvolutional(_ preset: Preset, dataset: Dataset) throws {
        let steps = timedSteps, warmup = warmupSteps
        let batch = preset.training.batchSize
        let fast = TrainerBenchmark(model: preset.model, training: preset.training, dataset: dataset)
        let lowered = TrainerBenchmark(model: preset.model, training: preset.training, dataset: dataset,
                                       convolutions: .im2col)
        print("lottery bench trainer: \(preset.name), batch \(batch), \(preset.training.optimizer.kind.rawValue), "
              + "CIFAR-10-shaped random data (3×32×32)")
        print("OpenBLAS kernel \(BLAS.coreName); denormals flushed to zero in training threads")
        print("\(steps) timed steps after \(warmup) warm-up per measurement; medians of \(repeats)")
        print(String(format: "GEMM work per step: %.2f GFLOP with Winograd where it pays, %.2f GFLOP with im2col",
                     try fast.gemmFlopsPerStep() / 1e9, try lowered.gemmFlopsPerStep() / 1e9))
        print("")
        var columns = ["threads", "samples/s", "ms/step", "GEMMs ms/step", "outside GEMMs"]
        if compareIm2col { columns += ["im2col samples/s", "Winograd/im2col"] }
        columns += ["eval samples/s"]
        let table = TextTable(columns: columns, minimumWidth: 9)
        print(table.header)
        var rates: [(threads: Int, training: Double, evaluation: Double)] = []
        for threadCount in threadCounts {
            BLAS.threads = threadCount
            let rate = try median(repeats) { try fast.trainingThroughput(steps: steps, warmup: warmup, density: 1) }
            let gemm = try median(repeats) { try fast.gemmThroughput(steps: steps) }
            let evaluation = try median(repeats) { try fast.evaluationThroughput(passes: 1) }
            var cells = [
                "\(BLAS.threads)", groupedNumber(rate), String(format: "%.0f", 1000 * Double(batch) / rate),
                String(format: "%.0f", 1000 * Double(batch) / gemm), String(format: "%.0f%%", 100 * (1 - rate / gemm)),
            ]
            if compareIm2col {
                let loweredRate = try median(repeats) {
                    try lowered.trainingThroughput(steps: steps, warmup: warmup, density: 1)
                }
                cells += [groupedNumber(loweredRate), String(format: "%.2f×", rate / loweredRate)]
            }
            cells += [groupedNumber(evaluation)]
            print(table.line(cells))
            rates.append((threadCount, rate, evaluation))
        }
        print("")
        let trial = PaperTrial(preset: preset)
        print("One paper-length trial of \(preset.name): \(groupedNumber(Double(trial.iterations))) iterations at batch \(batch), "
              + "and \(groupedNumber(Double(trial.examplesPerEvaluation))) examples (validation and test) evaluated at "
              + "iteration 0 and every \(preset.training.evalEvery): \(trial.evaluations) evaluations")
        let projection = TextTable(columns: ["threads", "training h", "evaluation h", "trial h"], minimumWidth: 9)
        print(projection.header)
        for rate in rates {
            let training = Double(trial.iterations * batch) / rate.training / 3600
            let evaluation = Double(trial.evaluations * trial.examplesPerEvaluation) / rate.evaluation / 3600
            print(projection.line(["\(rate.threads)", String(format: "%.1f", training), String(format: "%.1f", evaluation),
                                   String(format: "%.1f", training + evaluation)]))
        }
        print(String(format: "Peak resident memory: %.0f MB", Double(peakResidentBytes() ?? 0) / 1e6))
    }

    /// The length of one trial with the preset's paper protocol on its paper dataset.
    private struct PaperTrial {
        var iterations: Int
        var evaluations: Int
        var examplesPerEvaluation: Int

        init(preset: Preset) {
            let data = DataSpec(dataset: preset.paperDataset)
            let info = DatasetInfo.named(preset.paperDataset) ?? .cifar10
            let training = preset.training
            iterations = training.length.iterations(trainExamples: info.trainExamples - data.validationSize,
                                                    batchSize: training.batchSize)
            // At 0, every evalEvery, and at the end if that is not one of them.
            evaluations = 1 + iterations / training.evalEvery + (iterations % training.evalEvery == 0 ? 0 : 1)
            examplesPerEvaluation = data.validationSize + info.testExamples
        }
    }

    private func childRuns(count: Int, threads: Int) throws -> [(rate: Double, peakBytes: Int)] {
        let processes = (0..<count).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            process.arguments = ["bench", "trainer", "--single", "1", "--threads", "\(threads)",
                                 "--steps", "\(timedSteps)", "--warmup", "\(warmupSteps)"] + (data.map { ["--data", $0] } ?? [])
            let pipe = Pipe()
            process.standardOutput = pipe
            return (process, pipe)
        }
        for (process, _) in processes { try process.run() }
        return try processes.map { process, pipe in
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let fields = output.split(whereSeparator: \.isWhitespace)
            guard process.terminationStatus == 0, fields.count == 2, let rate = Double(fields[0]),
                  let bytes = Int(fields[1]) else {
                throw ValidationError("a benchmark process failed: \(output)")
            }
            return (rate, bytes)
        }
    }

    private func median(_ count: Int, _ measure: () throws -> Double) throws -> Double {
        let values = try (0..<max(1, count)).map { _ in try measure() }.sorted()
        return values[values.count / 2]
    }
}
