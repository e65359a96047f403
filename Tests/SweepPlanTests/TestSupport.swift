import Foundation
import LotteryCore
import Testing

@testable import SweepPlan

/// The problems `yaml` has, or an empty list when it is valid.
func diagnostics(_ yaml: String, file: String = "test.yaml") -> [SweepDiagnostic] {
    do {
        _ = try Sweep(yaml: yaml, file: file)
        return []
    } catch let error as SweepError {
        return error.diagnostics
    } catch {
        Issue.record("unexpected error \(error)")
        return []
    }
}

/// The single problem `yaml` has; records an issue when there is not exactly one.
func onlyDiagnostic(_ yaml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> SweepDiagnostic? {
    let found = diagnostics(yaml)
    #expect(found.count == 1, "expected one problem, got:\n\(found.map(\.description).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    return found.first
}

/// The plan of a valid sweep.
func makePlan(_ yaml: String) throws -> Plan {
    Plan(try Sweep(yaml: yaml, file: "test.yaml"))
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sweepplan-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The package's root folder, found from this file's path.
func packageRoot(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The smallest valid sweep, for tests to extend.
let minimalSweep = """
    dataset: fashion-mnist
    model: lenet-300-100
    levels: 2
    """
