import CSQLite

/// A failed SQLite call: the code, SQLite's message, and what we were doing.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let context: String

    public var description: String { "\(context): \(message) (SQLite code \(code))" }

    /// The journal holds what no version of it writes (SQLITE_CORRUPT): damaged, or written by
    /// something else.
    static func damaged(_ message: String, context: String) -> SQLiteError {
        SQLiteError(code: SQLITE_CORRUPT, message: message + "; restore the journal from a copy, or start the sweep in a new --runs folder",
                    context: context)
    }
}

/// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// One SQLite connection. Each C function is called from one place here, and
/// every result code becomes an `SQLiteError` once. Not thread-safe: one owner.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    let path: String
    private var statements: [String: OpaquePointer] = [:]

    init(path: String, readOnly: Bool = false) throws {
        self.path = path
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let code = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(handle)
            handle = nil
            throw SQLiteError(code: code, message: message, context: "opening \(path)")
        }
        sqlite3_busy_timeout(handle, 10_000)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(handle)
    }

    private func check(_ code: Int32, _ context: @autoclosure () -> String) throws {
        guard code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW else {
            throw SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), context: context())
        }
    }

    /// Runs one or more statements without parameters or results.
    func execute(_ sql: String) throws {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), sql)
    }

    /// A statement prepared (once per connection) for running many times.
    struct Statement {
        fileprivate let handle: OpaquePointer
        let sql: String
    }

    /// `sql`, prepared: for a loop that runs the same statement many times, where looking
    /// it up by its text each time would cost more than running it.
    func statement(_ sql: String) throws -> Statement {
        Statement(handle: try prepared(sql), sql: sql)
    }

    /// Runs `sql` with `arguments` bound in order; calls `row` for each result row.
    func run(_ sql: String, _ arguments: [SQLValue] = [], row: ((SQLRow) throws -> Void)? = nil) throws {
        try run(statement(sql), arguments, row: row)
    }

    /// Runs a prepared statement with `arguments` bound in order; calls `row` for each result row.
    func run(_ prepared: Statement, _ arguments: [SQLValue] = [], row: ((SQLRow) throws -> Void)? = nil) throws {
        let statement = prepared.handle
        let sql = prepared.sql
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, argument) in arguments.enumerated() {
            let position = Int32(index + 1)
            let code: Int32
            switch argument {
            case .null: code = sqlite3_bind_null(statement, position)
            case .integer(let value): code = sqlite3_bind_int64(statement, position, value)
            case .real(let value): code = sqlite3_bind_double(statement, position, value)
            case .text(let value): code = sqlite3_bind_text(statement, position, value, -1, transient)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), transient) }
            }
            try check(code, "binding argument \(position) of \(sql)")
        }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            try check(code, sql)
            if let row { try row(SQLRow(statement: statement)) }
        }
    }

    /// Rows of a query, each mapped by `transform`.
    func query<T>(_ sql: String, _ arguments: [SQLValue] = [], _ transform: (SQLRow) throws -> T) throws -> [T] {
        var results: [T] = []
        try withoutActuallyEscaping(transform) { transform in
            try run(sql, arguments) { results.append(try transform($0)) }
        }
        return results
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in one transaction: all of it is committed, or none.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v2(handle, sql, -1, &statement, nil), "preparing \(sql)")
        guard let statement else {
            throw SQLiteError(code: SQLITE_MISUSE, message: "empty statement", context: sql)
        }
        statements[sql] = statement
        return statement
    }
}

/// A value bound to a statement.
enum SQLValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    static func optional(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    static func optional(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }
    /// NaN is NULL (not known, as a loss nothing measured); ±infinity is a REAL like any
    /// other value (a diverged run's loss), which SQLite stores and returns as it is.
    static func optional(_ value: Double?) -> SQLValue { value.map { $0.isNaN ? .null : .real($0) } ?? .null }
}

/// The current row of a statement; valid only inside the row callback.
struct SQLRow {
    let statement: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: pointer)
    }
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    func optionalInt(_ column: Int32) -> Int? { isNull(column) ? nil : int(column) }
    func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }
    func isBlob(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_BLOB }
    /// The column's bytes, valid only inside `body`.
    func withBlob<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let pointer = sqlite3_column_blob(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        return try body(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }
}
