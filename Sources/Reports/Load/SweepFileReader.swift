import LotteryCore

/// Reads the sweep file a journal holds (its text, and the path it was read from) back into a
/// `Sweep`. Reports are given one by their caller, the `lottery` executable passing
/// `Sweep.init(yaml:file:)`, so that this library has no YAML reader of its own.
public typealias SweepFileReader = @Sendable (_ text: String, _ file: String) throws -> Sweep
