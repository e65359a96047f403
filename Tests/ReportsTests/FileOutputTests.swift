import Foundation
import Testing
@testable import Reports

@Suite struct FileOutputTests {
    private struct Rows: CSVTable {
        var header: [String] { ["a", "b"] }
        func forEachRow(_ body: ([String?]) throws -> Void) rethrows {
            try body(["1", "x,y"])
        }
    }

    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reports-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func replacesTheFileWholeAndLeavesNoPartialFile() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.csv").path
        try FileOutput.write("old\n", to: path)
        try FileOutput.write(Rows(), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n1,\"x,y\"\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["t.csv"])
    }

    @Test func aFailureLeavesTheOldFileAndNoPartialFile() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.csv").path
        try FileOutput.write("old\n", to: path)
        #expect(throws: ReportError.self) {
            try FileOutput.writing(to: path) { output in
                try output.write("half of it\n")
                throw ReportError.unwritable(path, reason: "stopped half way")
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["t.csv"])
    }

    @Test func anUnwritablePlaceIsAClearError() {
        let error = #expect(throws: ReportError.self) { try FileOutput.write("x", to: "/nonexistent/folder/t.csv") }
        #expect(error?.description.hasPrefix("/nonexistent/folder/t.csv: cannot write") == true)
    }
}
