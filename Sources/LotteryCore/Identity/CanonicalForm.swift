/// An explicit, ordered text encoding of the parameters that decide a trial's outcome:
/// one `key=value` line per field, in the order they were added, each line ending in `\n`.
///
/// Its rules are what keeps trial ids stable, so they are written down here rather than
/// left to an encoder's defaults:
/// - Fields appear in a fixed order chosen by the code that builds the form, never sorted
///   or reordered by a library.
/// - A field whose value equals its default is left out. A new hyperparameter therefore
///   gets a default that means "as before", and ids of existing trials do not change.
/// - Integers are written in decimal; doubles as Swift's shortest round-trip decimal
///   (`Double.description`: `0.2`, `0.0012`, `1e-08`), which names exactly one double.
/// - In values, `\` is written `\\` and a line break `\n`, so every field is one line.
public struct CanonicalForm: Hashable, Sendable, CustomStringConvertible {
    /// The fields, in order, as `key=value`.
    public private(set) var lines: [String] = []

    public init() {}

    /// Adds a field that is always present.
    public mutating func add(_ key: String, _ value: String) {
        precondition(!key.isEmpty && !key.contains("=") && !key.contains("\n"), "bad canonical key \(key)")
        let escaped = value.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
        lines.append("\(key)=\(escaped)")
    }

    /// Adds a field unless it has its default value.
    public mutating func add(_ key: String, _ value: String, default defaultValue: String) {
        if value != defaultValue { add(key, value) }
    }

    public mutating func add(_ key: String, _ value: Int) {
        add(key, String(value))
    }

    public mutating func add(_ key: String, _ value: Int, default defaultValue: Int) {
        if value != defaultValue { add(key, value) }
    }

    public mutating func add(_ key: String, _ value: UInt64, default defaultValue: UInt64) {
        if value != defaultValue { add(key, String(value)) }
    }

    public mutating func add(_ key: String, _ value: Double) {
        add(key, Self.number(value))
    }

    public mutating func add(_ key: String, _ value: Double, default defaultValue: Double) {
        if value != defaultValue { add(key, value) }
    }

    /// The text that is hashed.
    public var text: String { lines.map { $0 + "\n" }.joined() }

    public var description: String { text }

    /// A double in canonical form.
    public static func number(_ value: Double) -> String {
        value == 0 ? "0" : value.description
    }
}
