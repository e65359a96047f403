import ArgumentParser
import Foundation
import LotteryCore
import SweepPlan
import Trainer

/// Reads and validates a sweep file, printing every problem and exiting with
/// status 1 when it has any: nothing runs from a bad file.
func loadSweep(_ path: String) throws -> Sweep {
    do {
        return try Sweep(contentsOf: path)
    } catch let error as SweepError {
        FileHandle.standardError.write(Data((String(describing: error) + "\n").utf8))
        throw ExitCode(1)
    }
}

/// Fingerprints of the sweep's datasets that are on this machine, with each file's digest.
func localFingerprints(_ plan: Plan) -> [String: DatasetFingerprint] {
    var fingerprints: [String: DatasetFingerprint] = [:]
    for spec in Set(plan.trials.map { DataSpec(dataset: $0.recipe.data.dataset, path: $0.recipe.data.path) }) {
        if let fingerprint = try? Dataset.fileFingerprints(of: spec) { fingerprints[spec.dataset] = fingerprint }
    }
    return fingerprints
}
