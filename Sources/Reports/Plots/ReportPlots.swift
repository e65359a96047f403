import Journal
import LotteryCore

/// The report's figures, built from the summary rows and the metric points.
struct ReportPlots {
    let results: SweepResults
    let grouping: Grouping
    let levels: [LevelSummary]
    let options: ReportOptions

    /// The figures' file names, in the order `files` gives them.
    static let fileNames = ["accuracy-vs-weights.svg", "early-stop-vs-weights.svg", "generalization-gap-vs-weights.svg",
                            "learning-curves.svg"]

    /// File name and SVG text of every figure.
    /// - Throws: `ReportError` when the learning curves' points cannot be read.
    var files: [(name: String, svg: String)] {
        get throws {
            Array(zip(Self.fileNames, [accuracyVersusWeights.svg, earlyStopVersusWeights.svg,
                                       generalizationGapVersusWeights.svg, try learningCurves.svg]))
        }
    }

    /// Test accuracy at early stop against weights remaining (the paper's Figures 3 and 4).
    var accuracyVersusWeights: LinePlot {
        LinePlot(title: "Test accuracy at early stop vs weights remaining — \(results.sweep.name)",
                 subtitle: "mean over seeds (and control replicates); bars: min–max",
                 xLabel: "Percent of weights remaining (log scale)", yLabel: "Test accuracy at early stop (%)",
                 xKind: .logarithmicDescending, series: seriesVersusWeights(.earlyStopTestAccuracy, scale: 100))
    }

    /// The early-stop iteration against weights remaining: how fast each network learns.
    var earlyStopVersusWeights: LinePlot {
        LinePlot(title: "Early-stop iteration vs weights remaining — \(results.sweep.name)",
                 subtitle: "iteration of minimum validation loss; mean over seeds (and control replicates); bars: min–max",
                 xLabel: "Percent of weights remaining (log scale)", yLabel: "Early-stop iteration",
                 xKind: .logarithmicDescending, series: seriesVersusWeights(.earlyStopIteration, scale: 1))
    }

    /// Training less test accuracy at the early-stop iteration against weights remaining:
    /// the paper's question whether winning tickets generalize better, at the iteration
    /// whose test accuracy the other figures report.
    var generalizationGapVersusWeights: LinePlot {
        LinePlot(title: "Generalization gap at early stop vs weights remaining — \(results.sweep.name)",
                 subtitle: "training-sample accuracy less test accuracy; mean over seeds (and control replicates); bars: min–max",
                 xLabel: "Percent of weights remaining (log scale)", yLabel: "Train − test accuracy at early stop (points)",
                 xKind: .logarithmicDescending, series: seriesVersusWeights(.earlyStopGeneralizationGap, scale: 100),
                 emptyNote: levels.contains { $0.done > 0 } ? "no finished trial measured training accuracy"
                                                            : "no finished trials yet")
    }

    /// One series per group and branch kind; a pruned line starts at its group's dense run.
    func seriesVersusWeights(_ figure: KeyFigure, scale: Double) -> [PlotSeries] {
        var series: [PlotSeries] = []
        for group in grouping.groups {
            let rows = levels.filter { $0.group == group.index }
            let dense = rows.filter { $0.branch == .dense }
            var kinds = BranchKind.allCases.filter { kind in kind != .dense && rows.contains { $0.branch == kind } }
            if kinds.isEmpty && !dense.isEmpty { kinds = [.dense] }
            for kind in kinds {
                let members = (kind.isPrunedLevel ? dense : []) + rows.filter { $0.branch == kind }
                let points = members.compactMap { row -> PlotPoint? in
                    // A log axis has no place for 0% (nor anything to say about it).
                    guard let x = row.figures[.weightsRemaining]?.mean, x > 0, let y = row.figures[figure] else { return nil }
                    return PlotPoint(x: x, y: y.mean * scale, low: y.min * scale, high: y.max * scale)
                }
                let label = grouping.groups.count > 1 ? "\(grouping.legendLabel(of: group)) · \(kind.rawValue)" : kind.rawValue
                series.append(PlotSeries(label: label, color: color(group: group.index, kind: kind), dash: Self.dash(kind),
                                         points: points))
            }
        }
        return series
    }

    /// By branch when there is one group; by group otherwise (the dash tells the branch).
    private func color(group: Int, kind: BranchKind) -> String {
        guard grouping.groups.count == 1 else { return PlotPalette.color(group) }
        switch kind {
        case .ticket, .dense: return PlotPalette.color(0)
        case .oneShot: return PlotPalette.color(3)
        case .reinit: return PlotPalette.color(1)
        case .randomPrune: return PlotPalette.color(2)
        }
    }

    static func dash(_ kind: BranchKind) -> String? {
        switch kind {
        case .dense, .ticket, .oneShot: nil
        case .reinit: "7 4"
        case .randomPrune: "2 3"
        }
    }

    /// Test accuracy against training iteration for some levels of one config, averaged over
    /// its seeds, with the min–max band.
    var learningCurves: LinePlot {
        get throws { try makeLearningCurves() }
    }

    private func makeLearningCurves() throws -> LinePlot {
        let config = options.curvesConfig
        let parameters = results.plan.configs.indices.contains(config) ? results.plan.configs[config].parameters : []
        let title = "Learning curves — \(results.sweep.name), config \(config)"
            + (parameters.isEmpty ? "" : " (" + parameters.map(\.description).joined(separator: ", ") + ")")
        let finished = results.trials.filter { record in
            record.state == .done && !BranchKind(record.planned.branch).isControl
                && results.configs(of: record.planned).contains(config)
        }
        let byLevel = Dictionary(grouping: finished, by: \.planned.level)
        let shown = options.curvesLevels ?? Self.spread(byLevel.keys.sorted(), count: 5)
        let series = try shown.enumerated().map { index, level in
            let trials = byLevel[level] ?? []
            let weights = Statistics(trials.compactMap { $0.summary?.percentRemaining })?.mean
                ?? trials.first.map { 100 * $0.planned.weightsRemaining }
            let label = "level \(level)" + (weights.map { " · \(PlotScale.percentLabel($0))% weights" } ?? " · not finished")
            return PlotSeries(label: label, color: PlotPalette.color(index), dash: nil,
                              points: try meanCurve(trials), range: .band, markers: false)
        }
        return LinePlot(title: title, subtitle: "test accuracy, mean over seeds; band: min–max",
                        xLabel: "Training iteration", yLabel: "Test accuracy (%)", xKind: .linear, series: series)
    }

    /// Per iteration, the mean, min and max test accuracy (in percent) over the trials: each
    /// trial's test points streamed once into a running range per iteration, so a level of
    /// thousands of trials holds one entry per evaluation, not every trial's curve.
    private func meanCurve(_ trials: [TrialRecord]) throws -> [PlotPoint] {
        var ranges: [Int: RunningRange] = [:]
        for trial in trials {
            try results.forEachEvaluation(of: trial.id, split: .test) { point in
                let value = 100 * point.accuracy
                guard point.accuracy.isFinite, value.isFinite else { return }
                ranges[point.iteration, default: RunningRange(first: value)].add(value)
            }
        }
        return ranges.keys.sorted().map { iteration in
            let range = ranges[iteration]!
            return PlotPoint(x: Double(iteration), y: range.mean, low: range.min, high: range.max)
        }
    }

    /// Up to `count` of `levels`, the first and last among them, the others evenly between.
    static func spread(_ levels: [Int], count: Int) -> [Int] {
        guard levels.count > count else { return levels }
        var picked: [Int] = []
        for index in 0..<count {
            let level = levels[Int((Double(index) * Double(levels.count - 1) / Double(count - 1)).rounded())]
            if !picked.contains(level) { picked.append(level) }
        }
        return picked
    }
}
