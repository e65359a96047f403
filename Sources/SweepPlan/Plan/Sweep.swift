import Foundation

/// A validated sweep file: its name and every chain it asks for, resolved against the
/// presets. Building one checks the whole file and reports every problem at once;
/// `Plan(sweep)` then turns it into trials.
///
/// ```swift
/// let sweep = try Sweep(contentsOf: "sweeps/quickstart.yaml")   // throws SweepError
/// let plan = Plan(sweep)
/// for trial in plan.trials { … }                                // parents come first
/// ```
public struct Sweep: Sendable {
    /// Names the run folder `runs/<name>/`; the file's name without extension when not given.
    public var name: String
    public var description: String?
    /// The file as the caller named it (`<string>` for text given directly).
    public var file: String
    /// The file's text, as read.
    public var text: String
    /// SHA-256 of the text (64 hexadecimal digits), so a journal can tell when the file changed.
    public var digest: String
    /// The axes in grid order (the seeds last), with their values.
    public var axes: [SweepAxis]
    /// The grid points without the seed, in grid order.
    public var configs: [SweepConfig]
    /// One chain per config and seed, in grid order.
    public var chains: [ChainSpec]

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

        self.name = document.name ?? Self.defaultName(for: file)
        self.description = document.description
        self.file = file
        self.text = text
        self.digest = SHA256.hexDigest(of: text)
        self.axes = grid.axes.compactMap { path in
            document.setting(path).map { SweepAxis(name: path, values: $0.values.map(\.text)) }
        }
        self.configs = configs
        self.chains = chains
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

/// An axis of a sweep: a key given several values.
public struct SweepAxis: Hashable, Sendable, Codable {
    /// The key path, like `pruning.rates.fc`; `seeds` for the seeds.
    public var name: String
    /// The values as written, in file order.
    public var values: [String]
}

/// One point of a sweep's grid without the seed: every hyperparameter fixed except the
/// seed and the level.
public struct SweepConfig: Hashable, Sendable, Codable {
    /// Position in `Sweep.configs`.
    public var index: Int
    /// The values of the axes other than `seeds`.
    public var parameters: [SweepParameter]
}
