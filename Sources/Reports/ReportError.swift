import Journal

/// Why a report could not be made, with what to do about it.
public struct ReportError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Reason: Sendable, Equatable {
        case noFolder(String)
        case noJournal(String)
        case unreadableJournal(String, reason: String)
        case noSweep(String)
        case invalidSweep(String, reason: String)
        case unknownAxis(String, known: [String])
        case groupedBySeeds
        case unknownConfig(Int, count: Int)
        case unwritable(String, reason: String)
    }

    private let reason: Reason

    private init(_ reason: Reason) {
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .noFolder(let path):
            "\(path): no such folder; give a sweep's run folder, like runs/quickstart"
        case .noJournal(let path):
            "\(path): no journal here; a sweep's journal is runs/<name>/sweep.sqlite, written by lottery run"
        case .unreadableJournal(let path, let reason):
            "\(path): cannot read the journal: \(reason)"
        case .noSweep(let path):
            "\(path): the journal holds no sweep yet (the coordinator has not started one)"
        case .invalidSweep(let path, let reason):
            "\(path): the sweep file kept in the journal no longer validates:\n\(reason)"
        case .unknownAxis(let name, let known):
            "--group-by \(name): not an axis of this sweep; "
                + (known.isEmpty ? "it has none besides the seeds" : "its axes are " + known.joined(separator: ", "))
        case .groupedBySeeds:
            "--group-by seeds: the summary aggregates over seeds; group by other axes"
        case .unknownConfig(let index, let count):
            "--curves-config \(index): the sweep has configs 0 to \(count - 1)"
        case .unwritable(let path, let reason):
            "\(path): cannot write: \(reason)"
        }
    }

    static func noFolder(_ path: String) -> ReportError { ReportError(.noFolder(path)) }
    static func noJournal(_ path: String) -> ReportError { ReportError(.noJournal(path)) }
    static func unreadableJournal(_ path: String, reason: String) -> ReportError {
        ReportError(.unreadableJournal(path, reason: reason))
    }
    /// The journal failed to read: SQLite's message, or the error's description.
    static func unreadable(_ path: String, _ error: any Error) -> ReportError {
        if let error = error as? ReportError { return error }
        let reason = (error as? SQLiteError)?.message ?? "\(error)"
        return ReportError(.unreadableJournal(path, reason: reason))
    }
    static func noSweep(_ path: String) -> ReportError { ReportError(.noSweep(path)) }
    static func invalidSweep(_ path: String, reason: String) -> ReportError {
        ReportError(.invalidSweep(path, reason: reason))
    }
    static func unknownAxis(_ name: String, known: [String]) -> ReportError {
        ReportError(.unknownAxis(name, known: known))
    }
    static let groupedBySeeds = ReportError(.groupedBySeeds)
    static func unknownConfig(_ index: Int, count: Int) -> ReportError { ReportError(.unknownConfig(index, count: count)) }
    static func unwritable(_ path: String, reason: String) -> ReportError { ReportError(.unwritable(path, reason: reason)) }
}
