import SweepPlan

/// `metrics.csv`: every evaluation point streamed, in long format (one value per row), for
/// the attempt that counts (see `SweepResults.evaluations`); trials in plan order, then
/// iteration, split (train, validation, test) and metric (loss, accuracy).
struct MetricsTable: CSVTable {
    let results: SweepResults

    var header: [String] { ["trial", "attempt", "iteration", "split", "metric", "value"] }

    func forEachRow(_ body: ([String?]) throws -> Void) rethrows {
        for record in results.trials {
            guard let points = results.evaluations[record.id], let attempt = results.metricAttempts[record.id] else {
                continue
            }
            let trial = record.id.rawValue
            let attemptText = String(attempt)
            for point in points {
                let iteration = String(point.iteration)
                try body([trial, attemptText, iteration, point.split.rawValue, "loss", CSV.number(point.loss)])
                try body([trial, attemptText, iteration, point.split.rawValue, "accuracy", CSV.number(point.accuracy)])
            }
        }
    }
}
