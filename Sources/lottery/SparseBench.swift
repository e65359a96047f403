import ArgumentParser
import Benchmarks
import Foundation
import LotteryCore
import Trainer

struct SparseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sparse",
        abstract: "Sparse against dense-masked training and evaluation at the paper's pruning levels.",
        discussion: """
            LeNet-300-100 at batch 60 on Fashion-MNIST, one thread: at each level the fc layers keep 0.8^level \
            and the output layer 0.9^level of their weights (random positions), trained with dense kernels and \
            a mask, with sparse kernels, and with the automatic choice, side by side in one process; then \
            evaluation, the bytes of the prunable layers' state, and the peak memory of a process training at \
            that level. Conv-2 (batch 60, CIFAR-10-shaped random data) is then timed with its fc layers at 3.6% \
            (level 15). Each figure is the median of --repeats measurements taken in turn.
            """)

    @Option(help: "Timed LeNet training steps per measurement.")
    var steps = 3_000

    @Option(help: "Untimed LeNet steps before each measurement.")
    var warmup = 300

    @Option(help: "Measurements per figure; the median is printed.")
    var repeats = 3

    @Option(parsing: .upToNextOption, help: "Pruning levels to time (the paper's 100%, 51%, 21%, 8.6%, 3.6% and 1.9% by default).")
    var levels: [Int] = [0, 3, 7, 11, 15, 18]

    @Flag(inversion: .prefixedNo, help: "Also time Conv-2 with its fc layers at level 15.")
    var conv = true

    @Option(help: "Folder of Fashion-MNIST's files (default: its standard place).")
    var data: String?

    /// One measurement in a child process: `LEVEL:KERNELS`; prints the peak resident bytes.
    @Option(name: .customLong("memory-of"), help: .hidden)
    var memoryOf: String?

    func validate() throws {
        guard steps > 0, warmup >= 0, repeats > 0 else {
            throw ValidationError("--steps and --repeats must be positive and --warmup not negative")
        }
        if let level = levels.first(where: { $0 < 0 || $0 > 40 }) {
            throw ValidationError("level \(level) is outside 0...40")
        }
    }

    /// The paper's LeNet schedule: fc layers pruned 20% a round, the output layer 10%.
    private func densities(level: Int) -> (LayerKind) -> Double {
        { kind in pow(kind == .output ? 0.9 : 0.8, Double(level)) }
    }

    func run() throws {
        BLAS.threads = 1
        let lenet = Preset.lenet300100
        let dataset = try Dataset.load(DataSpec(dataset: "fashion-mnist", path: data))
        let benchmark = TrainerBenchmark(model: lenet.model, training: lenet.training, dataset: dataset)
        if let memoryOf {
            try measureMemory(memoryOf, benchmark: benchmark)
            return
        }
        print("lottery bench sparse: \(lenet.name), batch \(lenet.training.batchSize), Adam, Fashion-MNIST, 1 thread")
        print("OpenBLAS kernel \(BLAS.coreName); \(steps) timed steps after \(warmup) warm-up; medians of \(repeats)")
        print("training and evaluation in samples/s; memory: the prunable layers' weights, gradients, masks or "
              + "patterns and Adam's moments, and the peak RSS of a process training at the level")
        print("")
        let table = TextTable(columns: ["level", "weights", "dense", "sparse", "auto", "sparse/dense", "auto/best",
                                        "eval dense", "eval sparse", "eval ratio", "state dense", "state sparse",
                                        "RSS dense", "RSS sparse", "auto picks"], minimumWidth: 7)
        print(table.header)
        let total = Double(try weightCount(benchmark, level: 0))
        for level in levels {
            let density = densities(level: level)
            var rates: [KernelChoice: [Double]] = [:]
            var evaluations: [KernelChoice: [Double]] = [:]
            for _ in 0..<repeats {
                for kernels in [KernelChoice.dense, .sparse, .auto] {
                    rates[kernels, default: []].append(try benchmark.trainingThroughput(
                        steps: steps, warmup: warmup, densities: density, kernels: kernels))
                }
                for kernels in [KernelChoice.dense, .sparse] {
                    evaluations[kernels, default: []].append(
                        try benchmark.evaluationThroughput(passes: 1, densities: density, kernels: kernels))
                }
            }
            let dense = median(rates[.dense]!), sparse = median(rates[.sparse]!), auto = median(rates[.auto]!)
            let evalDense = median(evaluations[.dense]!), evalSparse = median(evaluations[.sparse]!)
            let picks = try benchmark.kernels(densities: density, kernels: .auto)
                .map { "\($0.name) \($0.isSparse ? "S" : "D")" }.joined(separator: " ")
            print(table.line([
                "\(level)", String(format: "%.1f%%", 100 * Double(try weightCount(benchmark, level: level)) / total),
                groupedNumber(dense), groupedNumber(sparse), groupedNumber(auto),
                String(format: "%.2f×", sparse / dense), String(format: "%.2f", auto / max(dense, sparse)),
                groupedNumber(evalDense), groupedNumber(evalSparse), String(format: "%.2f×", evalSparse / evalDense),
                megabytes(try benchmark.weightBytes(densities: density, kernels: .dense)),
                megabytes(try benchmark.weightBytes(densities: density, kernels: .sparse)),
                megabytes(try childPeak(level: level, kernels: .dense)),
                megabytes(try childPeak(level: level, kernels: .sparse)),
                picks,
            ]))
        }
        if conv { try runConv2() }
    }

    /// Conv-2 with the paper's rates at level 15: fc layers at 3.6%, the output
    /// layer and the convolutions at 0.9^15 = 20.6%.
    private func runConv2() throws {
        let preset = Preset.conv2
        let dataset = try TrainerBenchmark.syntheticDataset(like: .cifar10, count: preset.training.batchSize * 10)
        let benchmark = TrainerBenchmark(model: preset.model, training: preset.training, dataset: dataset)
        let level = 15
        let density: (LayerKind) -> Double = { kind in pow(kind == .fc ? 0.8 : 0.9, Double(level)) }
        let convSteps = 20, convWarmup = 3
        print("")
        print("\(preset.name), batch \(preset.training.batchSize), CIFAR-10-shaped random data, 1 thread, "
              + "\(convSteps) timed steps after \(convWarmup); fc layers at 3.6%, conv and output at 20.6%")
        let table = TextTable(columns: ["kernels", "samples/s", "ms/step", "vs dense", "eval samples/s",
                                        "state MB", "layers"], minimumWidth: 8)
        print(table.header)
        let choices = [KernelChoice.dense, .sparse, .auto]
        var rates: [KernelChoice: [Double]] = [:]
        var evaluations: [KernelChoice: [Double]] = [:]
        for _ in 0..<repeats {
            for kernels in choices {
                rates[kernels, default: []].append(try benchmark.trainingThroughput(
                    steps: convSteps, warmup: convWarmup, densities: density, kernels: kernels))
                evaluations[kernels, default: []].append(
                    try benchmark.evaluationThroughput(passes: 1, densities: density, kernels: kernels))
            }
        }
        let dense = median(rates[.dense]!)
        for kernels in choices {
            let rate = median(rates[kernels]!)
            let layers = try benchmark.kernels(densities: density, kernels: kernels)
                .map { "\($0.name) \($0.isSparse ? "S" : "D")" }.joined(separator: " ")
            print(table.line([
                kernels.rawValue, groupedNumber(rate), String(format: "%.0f", 1000 * Double(preset.training.batchSize) / rate),
                String(format: "%.2f×", rate / dense), groupedNumber(median(evaluations[kernels]!)),
                megabytes(try benchmark.weightBytes(densities: density, kernels: kernels)), layers,
            ]))
        }
        try runConvolutionCrossover(batch: preset.training.batchSize)
    }

    /// One convolution's forward and backward passes alone, dense (the algorithm a
    /// network picks, on the masked weight) against sparse, at the densities of
    /// the paper's conv pruning (10% a round): where `auto` should switch.
    private func runConvolutionCrossover(batch: Int) throws {
        let shapes: [(name: String, input: [Int], outputs: Int)] = [
            ("conv-2 conv1 (3→64, 32×32)", [3, 32, 32], 64),
            ("conv-2 conv2 (64→64, 32×32)", [64, 32, 32], 64),
            ("conv-2 conv2 (64→64, 28×28)", [64, 28, 28], 64),
            ("conv-6 conv4 (128→128, 16×16)", [128, 16, 16], 128),
            ("conv-6 conv6 (256→256, 8×8)", [256, 8, 8], 256),
        ]
        let levels = [0, 2, 4, 7, 11, 15, 22]
        print("")
        print("one convolution, forward and backward (∂W, ∂x), batch \(batch): sparse over dense (Winograd or im2col, "
              + "masked) at each density; medians of \(repeats)")
        let label = "convolution".padding(toLength: shapes.map(\.name.count).max()!, withPad: " ", startingAt: 0)
        let table = TextTable(columns: [label] + levels.map { String(format: "%.0f%%", 100 * pow(0.9, Double($0))) },
                              minimumWidth: 6)
        print(table.header)
        for shape in shapes {
            let steps = max(5, 3_000_000_000 / (shape.outputs * shape.input.reduce(1, *) * 9 * 6 * batch))
            var cells: [String] = []
            for level in levels {
                let density = pow(0.9, Double(level))
                var ratios: [Double] = []
                for _ in 0..<repeats {
                    let dense = TrainerBenchmark.convolutionThroughput(input: shape.input, outputChannels: shape.outputs,
                                                                       density: density, sparse: false, rows: batch,
                                                                       steps: steps)
                    let sparse = TrainerBenchmark.convolutionThroughput(input: shape.input, outputChannels: shape.outputs,
                                                                        density: density, sparse: true, rows: batch,
                                                                        steps: steps)
                    ratios.append(sparse / dense)
                }
                cells.append(String(format: "%.2f×", median(ratios)))
            }
            print(table.line([shape.name] + cells))
        }
    }

    private func weightCount(_ benchmark: TrainerBenchmark, level: Int) throws -> Int {
        let density = densities(level: level)
        return try benchmark.kernels(densities: density, kernels: .dense).reduce(0) { $0 + $1.kept }
    }

    /// Trains `steps` steps and evaluates once at `LEVEL:KERNELS`, then prints the peak RSS.
    private func measureMemory(_ spec: String, benchmark: TrainerBenchmark) throws {
        let parts = spec.split(separator: ":")
        guard parts.count == 2, let level = Int(parts[0]), let kernels = KernelChoice(rawValue: String(parts[1])) else {
            throw ValidationError("--memory-of takes LEVEL:KERNELS, not \(spec)")
        }
        _ = try benchmark.trainingThroughput(steps: steps, warmup: 0, densities: densities(level: level), kernels: kernels)
        _ = try benchmark.evaluationThroughput(passes: 1, densities: densities(level: level), kernels: kernels)
        print(peakResidentBytes() ?? 0)
    }

    private func childPeak(level: Int, kernels: KernelChoice) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = ["bench", "sparse", "--memory-of", "\(level):\(kernels.rawValue)", "--steps", "300"]
            + (data.map { ["--data", $0] } ?? [])
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let bytes = Int(output.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw ValidationError("a benchmark process failed: \(output)") }
        return bytes
    }

    private func median(_ values: [Double]) -> Double {
        values.sorted()[values.count / 2]
    }

    private func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1e6)
    }
}
