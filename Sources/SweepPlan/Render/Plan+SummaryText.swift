import LotteryCore

extension Plan {
    /// What `lottery expand` prints by default.
    public var summaryText: String {
        let summary = summary
        var lines: [(String, String)] = []
        lines.append(("sweep", "\(name) (\(file))"))
        for axis in axes {
            // Long axes (hundreds of seeds) are cut to their ends.
            let values = axis.values.count <= 12 ? axis.values.joined(separator: ", ")
                : (axis.values.prefix(5) + ["…"] + axis.values.suffix(2)).joined(separator: ", ")
                    + " (\(axis.values.count) values)"
            lines.append(("axis", "\(axis.name): " + values))
        }
        lines.append(("configs", Self.grouped(summary.configs)))
        lines.append(("chains", "\(Self.grouped(summary.chains)) (configs × seeds)"))
        let kinds = ["dense", "ticket", "one-shot", "reinit", "random-prune"].compactMap { kind in
            summary.trialsByBranch[kind].map { "\(Self.grouped($0)) \(kind)" }
        }
        lines.append(("trials", "\(Self.grouped(summary.trials)) to run: " + kinds.joined(separator: ", ")))
        lines.append(("shared", "\(Self.grouped(summary.sharedTrials)) (the chains ask for \(Self.grouped(plannedTrialCount))"
                        + " trials; \(Self.grouped(summary.trials)) are unique)"))
        lines.append(("depth", "\(summary.depth) trials in a row on the longest path"))
        lines.append(("work", "\(Self.grouped(summary.samples)) training samples (Σ iterations × batch over all trials)"))
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0.padding(to: width) + "  " + $0.1 }.joined(separator: "\n") + "\n"
    }

    /// 1234567 → `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }
}

extension String {
    /// The string followed by spaces up to `width` characters.
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
