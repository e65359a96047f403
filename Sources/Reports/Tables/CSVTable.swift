/// A table written as CSV: a header row, then rows produced one at a time (so a table of a
/// million metric points never sits in memory as cells).
protocol CSVTable {
    var header: [String] { get }
    /// Calls `body` with each row, as many cells as the header; nil is an empty cell.
    /// Throws what `body` throws, and a table that streams its rows from the journal what
    /// reading it throws.
    func forEachRow(_ body: ([String?]) throws -> Void) throws
    /// Calls `body` with each row as a CSV line. A table of many rows whose fields never need
    /// quoting may build the lines itself, faster.
    func forEachLine(_ body: (String) throws -> Void) throws
}

extension CSVTable {
    func forEachLine(_ body: (String) throws -> Void) throws {
        try forEachRow { try body(CSV.line($0)) }
    }

    /// The whole table as CSV text.
    var csv: String {
        get throws {
            var text = CSV.line(header)
            try forEachLine { text += $0 }
            return text
        }
    }
}

/// The CSV rules of every table: RFC 4180 quoting (a field with a comma, a quote or a line
/// break is quoted, quotes doubled), lines ending in `\n`, numbers with a `.` decimal point
/// at full precision, `inf` and `-inf` for infinities, and an empty cell for a missing or
/// NaN value.
enum CSV {
    /// One row, with its line ending.
    static func line(_ cells: [String?]) -> String {
        cells.map { field($0 ?? "") }.joined(separator: ",") + "\n"
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    /// Swift's shortest representation that reads back as the same Double (`0.1`, `1e-05`);
    /// `inf` and `-inf` for a diverged run's loss (what Python's `float`, pandas and R read
    /// back as infinity); nil for nil and NaN (not known).
    static func number(_ value: Double?) -> String? {
        guard let value, !value.isNaN else { return nil }
        return value.description
    }

    static func number(_ value: Int?) -> String? {
        value.map(String.init)
    }
}
