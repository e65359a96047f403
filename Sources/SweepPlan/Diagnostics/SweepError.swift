import LotteryCore

/// Why a sweep file could not be turned into a plan. Nothing runs when this is thrown.
public struct SweepError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case unreadable(file: String, reason: String)
        case invalid([SweepDiagnostic])
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// The file could not be read at all.
    static func unreadable(file: String, reason: String) -> SweepError {
        SweepError(.unreadable(file: file, reason: reason))
    }

    /// The file was read and has these problems, in file order.
    static func invalid(_ diagnostics: [SweepDiagnostic]) -> SweepError {
        SweepError(.invalid(diagnostics.sorted { $0.location < $1.location }))
    }

    /// Every problem found, in file order; empty when the file could not be read.
    public var diagnostics: [SweepDiagnostic] {
        switch kind {
        case .unreadable: []
        case .invalid(let diagnostics): diagnostics
        }
    }

    /// One line per problem, then a count.
    public var description: String {
        switch kind {
        case .unreadable(let file, let reason):
            return "\(file): error: cannot read the sweep file: \(reason)"
        case .invalid(let diagnostics):
            let count = diagnostics.count == 1 ? "1 error" : "\(diagnostics.count) errors"
            return (diagnostics.map(\.description) + ["\(count); nothing was run"]).joined(separator: "\n")
        }
    }
}
