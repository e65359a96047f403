/// A validated sweep file: its name and every chain it asks for, resolved against the
/// presets. `SweepPlan` builds one from a file (checking the whole file and reporting
/// every problem at once); `Plan(sweep)` then turns it into trials.
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

    public init(name: String, description: String?, file: String, text: String,
                axes: [SweepAxis], configs: [SweepConfig], chains: [ChainSpec]) {
        self.name = name
        self.description = description
        self.file = file
        self.text = text
        self.digest = SHA256.hexDigest(of: text)
        self.axes = axes
        self.configs = configs
        self.chains = chains
    }
}

/// An axis of a sweep: a key given several values.
public struct SweepAxis: Hashable, Sendable, Codable {
    /// The key path, like `pruning.rates.fc`; `seeds` for the seeds.
    public var name: String
    /// The values as written, in file order.
    public var values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// One point of a sweep's grid without the seed: every hyperparameter fixed except the
/// seed and the level.
public struct SweepConfig: Hashable, Sendable, Codable {
    /// Position in `Sweep.configs`.
    public var index: Int
    /// The values of the axes other than `seeds`.
    public var parameters: [SweepParameter]

    public init(index: Int, parameters: [SweepParameter]) {
        self.index = index
        self.parameters = parameters
    }
}
