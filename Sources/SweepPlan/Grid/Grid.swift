import LotteryCore

/// Every combination of a sweep file's axis values, zipped axes moving together, less the
/// excluded combinations.
///
/// Axes combine in file order, the first varying slowest; the seeds vary fastest, so the
/// chains of one config are next to each other.
struct Grid: Sendable {
    /// One combination: every setting's value (axes at this point's choice).
    struct Point: Sendable {
        var values: [String: ParsedValue]
        /// The axis values, in `Grid.axes` order.
        var parameters: [SweepParameter]
    }

    /// The axes' key paths, in the order the grid combines them.
    var axes: [String]
    var points: [Point]

    /// The most points a sweep may expand to.
    static let maximumPoints = 1_000_000

    /// The grid of `document`; problems with it (too large, all excluded) go to `diagnostics`.
    static func build(_ document: SweepDocument, diagnostics: inout [SweepDiagnostic]) -> Grid {
        let axes = document.axes
        var dimensions: [[Setting]] = []
        var placed: Set<String> = []
        for axis in axes where !placed.contains(axis.path) {
            let group = document.zips.first { $0.paths.contains(axis.path) }?.paths ?? [axis.path]
            dimensions.append(group.compactMap { path in axes.first { $0.path == path } })
            placed.formUnion(group)
        }
        if let seeds = dimensions.firstIndex(where: { $0.contains { $0.path == "seeds" } }) {
            dimensions.append(dimensions.remove(at: seeds))
        }
        let order = dimensions.flatMap { $0 }.map(\.path)

        let sizes = dimensions.map { $0.first?.values.count ?? 1 }
        var total = 1
        for size in sizes {
            total = total.multipliedReportingOverflow(by: size).overflow ? .max : total * size
        }
        guard total <= maximumPoints else {
            diagnostics.append(SweepDiagnostic(
                location: document.rootLocation, path: "", code: .tooLarge,
                message: "the axes combine to \(total == .max ? "too many" : String(total)) points; at most \(maximumPoints) are expanded",
                suggestion: "zip axes that vary together, or split the study into several files"))
            return Grid(axes: order, points: [])
        }

        let fixed = document.settings.filter { !$0.isAxis }
        var points: [Point] = []
        var index = [Int](repeating: 0, count: dimensions.count)
        for _ in 0..<total {
            var values: [String: ParsedValue] = [:]
            for setting in fixed { values[setting.path] = setting.values[0] }
            for (dimension, choice) in zip(dimensions, index) {
                for axis in dimension { values[axis.path] = axis.values[choice] }
            }
            if !document.exclusions.contains(where: { $0.matches(values) }) {
                let parameters = order.compactMap { path in values[path].map { SweepParameter(name: path, value: $0.text) } }
                points.append(Point(values: values, parameters: parameters))
            }
            // Advance the mixed-radix counter, last dimension fastest.
            var digit = dimensions.count - 1
            while digit >= 0 {
                index[digit] += 1
                if index[digit] < sizes[digit] { break }
                index[digit] = 0
                digit -= 1
            }
        }
        if points.isEmpty, total > 0, let first = document.exclusions.first {
            diagnostics.append(SweepDiagnostic(
                location: first.location, path: "exclude", code: .emptyGrid,
                message: "exclude removes every one of the \(total) combinations, so nothing would run",
                suggestion: "remove or narrow an exclude entry"))
        }
        return Grid(axes: order, points: points)
    }
}
