import Foundation
import Journal
import Reports
import LotteryCore
import Synchronization

/// The report's tables the page offers for download.
enum ReportTableName: String {
    case trials = "trials.csv"
    case summary = "summary.csv"
    case metrics = "metrics.csv"

    var table: ReportTable {
        switch self {
        case .trials: .trials
        case .summary: .summary
        case .metrics: .metrics
        }
    }
}

/// CSV files written on request into a folder of the dashboard's own (removed when it stops),
/// one at a time: a download is as current as the journal when it was asked for. A file being
/// sent stays whole when the next request replaces it (the new one is renamed over it).
final class TableFiles: Sendable {
    let journalPath: String
    let readSweep: SweepFileReader
    let folder: String
    private let writing = Mutex(())

    init(journalPath: String, readSweep: @escaping SweepFileReader) {
        self.journalPath = journalPath
        self.readSweep = readSweep
        folder = NSTemporaryDirectory() + "/lottery-dashboard-\(getpid())-\(UInt32.random(in: 0 ... .max))"
    }

    /// Writes the table and returns its path.
    func write(_ name: ReportTableName) throws -> String {
        try writing.withLock { _ in
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let path = folder + "/" + name.rawValue
                try name.table.write(journalPath: journalPath, readSweep: readSweep, to: path)
                return path
            } catch {
                throw RequestProblem(.serviceUnavailable, "the table could not be written: \(error)")
            }
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

/// A trial's learning curve for `/api/trials/ID/curves`, from a read-only connection of its own.
final class CurveReader: @unchecked Sendable {
    // @unchecked: the connection is used under `lock` only.
    let journalPath: String
    private var journal: Journal?
    private let lock = NSLock()

    init(journalPath: String) {
        self.journalPath = journalPath
    }

    func curve(of row: TrialRow) throws -> CurveResponse {
        try lock.withLock {
            guard let id = TrialID(row.id) else { return CurveResponse(trial: row.id, attempt: nil, points: []) }
            do {
                let journal = try self.journal ?? Journal(readOnly: journalPath)
                self.journal = journal
                guard let attempt = try journal.metricAttempt(of: id, finished: row.state == .done ? row.attempts : nil) else {
                    return CurveResponse(trial: row.id, attempt: nil, points: [])
                }
                var points: [CurvePoint] = []
                try journal.forEachMetric(of: id, attempt: attempt) { points.append(CurvePoint($0)) }
                return CurveResponse(trial: row.id, attempt: attempt, points: points)
            } catch {
                self.journal = nil
                throw RequestProblem(.serviceUnavailable, "the journal could not be read: \(error)")
            }
        }
    }
}
