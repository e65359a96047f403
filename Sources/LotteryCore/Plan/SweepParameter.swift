/// The value one axis takes for a config, chain or trial, as reports show it: one column
/// per axis, named by its key path.
public struct SweepParameter: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The axis's key path, like `pruning.rates.fc` or `seeds`.
    public var name: String
    /// The value as written in the file (lengths and lists normalised: `50000it`, `[300, 100]`).
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }
}
