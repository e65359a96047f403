import Foundation

/// Writes a report file so that a reader never sees half of it: the bytes go to
/// `<path>.partial`, which is renamed over `path` when complete.
struct FileOutput {
    let path: String
    private let partialPath: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        partialPath = path + ".partial"
        guard FileManager.default.createFile(atPath: partialPath, contents: nil) else {
            throw ReportError.unwritable(path, reason: "cannot create \(partialPath)")
        }
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partialPath))
        } catch {
            throw ReportError.unwritable(path, reason: error.localizedDescription)
        }
        buffer.reserveCapacity(1 << 20)
    }

    mutating func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Flushes, closes and renames the file into place.
    mutating func commit() throws {
        try flush()
        do {
            try handle.close()
        } catch {
            throw ReportError.unwritable(path, reason: error.localizedDescription)
        }
        guard rename(partialPath, path) == 0 else {
            throw ReportError.unwritable(path, reason: String(cString: strerror(errno)))
        }
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw ReportError.unwritable(path, reason: error.localizedDescription)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Removes the partial file after a failure.
    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
    }

    /// Writes `text` to `path` in one go.
    static func write(_ text: String, to path: String) throws {
        try writing(to: path) { try $0.write(text) }
    }

    /// Writes `table` as CSV to `path`, a row at a time.
    static func write(_ table: some CSVTable, to path: String) throws {
        try writing(to: path) { output in
            try output.write(CSV.line(table.header))
            try table.forEachLine { try output.write($0) }
        }
    }

    static func writing(to path: String, _ body: (inout FileOutput) throws -> Void) throws {
        var output = try FileOutput(path: path)
        do {
            try body(&output)
            try output.commit()
        } catch {
            output.abandon()
            throw error
        }
    }
}
