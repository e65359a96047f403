import Foundation
import LotteryCore

/// Reading a sweep file: every problem in it is reported at once.
///
/// ```swift
/// let sweep = try Sweep(contentsOf: "sweeps/quickstart.yaml")   // throws SweepError
/// let plan = Plan(sweep)
/// for trial in plan.trials { … }                                // parents come first
/// ```
extension Sweep {
    /// Reads and validates the sweep file at `path`.
    /// - Throws: `SweepError` listing every problem, each with `file:line:column`.
    public init(contentsOf path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SweepError.unreadable(file: path, reason: error.localizedDescription)
        }
        try self.init(yaml: text, file: path)
    }

    /// Validates sweep-file text; `file` names it in locations and gives the default name.
    /// - Throws: `SweepError` listing every problem, each with `file:line:column`.
    public init(yaml text: String, file: String = "<string>") throws {
        let document = SweepReader.read(yaml: text, file: file)
        var diagnostics = document.diagnostics
        // Text that is not YAML, or not a mapping, has no settings to check further.
        guard document.isReadable else { throw SweepError.invalid(diagnostics) }
        let grid = Grid.build(document, diagnostics: &diagnostics)

        var configs: [SweepConfig] = []
        var configIndex: [[SweepParameter]: Int] = [:]
        var chains: [ChainSpec] = []
        var resolutionProblems: [SweepDiagnostic] = []
        let resolver = ConfigResolver(document: document)
        for point in grid.points {
            let key = point.parameters.filter { $0.name != "seeds" }
            let index: Int
            if let known = configIndex[key] {
                index = known
            } else {
                index = configs.count
                configIndex[key] = index
                configs.append(SweepConfig(index: index, parameters: key))
            }
            if let chain = resolver.resolve(point, config: index, diagnostics: &resolutionProblems) {
                chains.append(chain)
            }
        }
        // The same problem shows in every combination that has it; report it once.
        var seen: Set<SweepDiagnostic> = []
        for problem in resolutionProblems where seen.insert(problem).inserted {
            diagnostics.append(problem)
        }
        if let problem = Self.configsDifferingOnlyInKernels(configs, document: document) {
            diagnostics.append(problem)
        }
        guard diagnostics.isEmpty else { throw SweepError.invalid(diagnostics) }

        self.init(
            name: document.name ?? Self.defaultName(for: file), description: document.description,
            file: file, text: text,
            axes: grid.axes.compactMap { path in
                document.setting(path).map { SweepAxis(name: path, values: $0.values.map(\.text)) }
            },
            configs: configs, chains: chains)
    }

    /// Kernels are not part of a trial's id, so two configs that differ only in
    /// `training.kernels` are the same trials: they would run once, with the first
    /// config's kernels, while the plan and the reports showed two configs. Such an axis
    /// is a mistake (most likely an attempt to compare kernel speeds); one zipped with an
    /// axis that changes the trials, like `model`, is fine.
    private static func configsDifferingOnlyInKernels(_ configs: [SweepConfig], document: SweepDocument) -> SweepDiagnostic? {
        guard let axis = document.setting("training.kernels"), axis.isAxis else { return nil }
        var firstWith: [[SweepParameter]: SweepConfig] = [:]
        for config in configs {
            let others = config.parameters.filter { $0.name != axis.path }
            guard let first = firstWith[others] else {
                firstWith[others] = config
                continue
            }
            let kernels = [first, config].compactMap { $0.parameters.first { $0.name == axis.path }?.value }
            return SweepDiagnostic(
                location: axis.location, path: axis.path, code: .conflict,
                message: "configs that differ only in kernels (\(kernels.joined(separator: ", "))) train the same trials, "
                    + "because kernels are not part of a trial's id (results agree up to float summation order); "
                    + "each trial would run once, with \(kernels.first ?? "the first") kernels",
                suggestion: "give training.kernels one value, or zip it with an axis that changes the trials, like model")
        }
        return nil
    }

    /// `sweeps/quickstart.yaml` → `quickstart`.
    static func defaultName(for file: String) -> String {
        if file == "<string>" { return "sweep" }
        let base = file.split(separator: "/").last.map(String.init) ?? file
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }
}
