import Foundation

/// How one axis of a plot maps data values onto its length, and where its ticks go.
struct PlotScale {
    enum Kind {
        case linear
        /// Logarithmic, largest value at the start: weights remaining, 100% on the left and
        /// sparser networks to the right, as in the paper's figures.
        case logarithmicDescending
    }

    let kind: Kind
    /// The data range the axis spans.
    let lower: Double
    let upper: Double
    let ticks: [Double]
    let tickLabels: [String]

    /// Position along the axis, 0 at its start (left or bottom), 1 at its end.
    func fraction(_ value: Double) -> Double {
        switch kind {
        case .linear:
            upper == lower ? 0.5 : (value - lower) / (upper - lower)
        case .logarithmicDescending:
            upper == lower ? 0.5 : (log(upper) - log(max(value, .leastNormalMagnitude))) / (log(upper) - log(lower))
        }
    }

    /// A linear axis over `values` with round ticks (steps of 1, 2, 2.5 or 5 × 10ⁿ), about five of them.
    static func linear(covering values: [Double]) -> PlotScale {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0
        var high = finite.max() ?? 1
        if high - low < 1e-12 {
            let margin = low == 0 ? 1 : abs(low) * 0.05
            low -= margin
            high += margin
        }
        let rough = (high - low) / 5
        let magnitude = pow(10, floor(log10(rough)))
        let ratio = rough / magnitude
        let multiple: Double = ratio <= 1 ? 1 : ratio <= 2 ? 2 : ratio <= 2.5 ? 2.5 : ratio <= 5 ? 5 : 10
        let step = multiple * magnitude
        let lower = floor(low / step + 1e-9) * step
        let upper = ceil(high / step - 1e-9) * step
        var ticks: [Double] = []
        var index = 0.0
        while lower + index * step <= upper + step * 1e-6 {
            ticks.append(lower + index * step)
            index += 1
        }
        // As many decimals as the step needs: 250 → 0, 2.5 → 1, 0.25 → 2.
        var decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        while decimals < 12, abs(step * pow(10, Double(decimals)) - (step * pow(10, Double(decimals))).rounded()) > 1e-6 {
            decimals += 1
        }
        let labels = ticks.map { tick in
            let text = String(format: "%.\(decimals)f", abs(tick) < step * 1e-6 ? 0 : tick)
            return text
        }
        return PlotScale(kind: .linear, lower: lower, upper: upper, ticks: ticks, tickLabels: labels)
    }

    /// A descending logarithmic axis of percentages with a tick at each value in `values`
    /// (the levels' weights remaining, as the paper labels its axes), leaving out ticks that
    /// would fall closer than `spacing` to the one before on an axis `length` long.
    static func weightsRemaining(covering values: [Double], length: Double, spacing: Double = 40) -> PlotScale {
        let positive = values.filter { $0.isFinite && $0 > 0 }
        var low = positive.min() ?? 1
        var high = positive.max() ?? 100
        if high / low < 1.0001 {
            low /= 1.5
            high *= 1.5
        }
        // A little room at both ends so the first and last points are not on the frame.
        let pad = pow(high / low, 0.04)
        let scale = PlotScale(kind: .logarithmicDescending, lower: low / pad, upper: high * pad, ticks: [], tickLabels: [])
        var ticks: [Double] = []
        var seen: Set<String> = []
        for value in Set(positive).sorted(by: >) where seen.insert(percentLabel(value)).inserted {
            if let last = ticks.last, (scale.fraction(value) - scale.fraction(last)) * length < spacing { continue }
            ticks.append(value)
        }
        return PlotScale(kind: .logarithmicDescending, lower: scale.lower, upper: scale.upper,
                         ticks: ticks, tickLabels: ticks.map(percentLabel))
    }

    /// `100`, `51.3`, `7.0`, `0.56`: how the paper labels weights remaining.
    static func percentLabel(_ value: Double) -> String {
        if value >= 99.95 { return "100" }
        if value >= 1 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }
}
