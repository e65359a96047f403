/// A line plot with a title, labelled axes, series with min–max ranges and a legend to the
/// right of the plot area, rendered as a standalone SVG document.
struct LinePlot {
    var title: String
    /// A line under the title saying what the lines and ranges are.
    var subtitle: String?
    var xLabel: String
    var yLabel: String
    var xKind: PlotScale.Kind
    var series: [PlotSeries]
    /// Shown in the plot area when no series has a point (a sweep that has just started).
    var emptyNote = "no finished trials yet"

    private static let plotWidth = 600.0
    private static let plotHeight = 380.0
    private static let left = 84.0
    private static let top = 64.0
    private static let bottom = 66.0
    private static let legendGap = 24.0

    var svg: String {
        let plotted = series.filter { !$0.points.isEmpty }
        let xValues = plotted.flatMap { $0.points.map(\.x) }
        let yValues = plotted.flatMap { $0.points.flatMap { [$0.y, $0.low, $0.high].compactMap { $0 } } }
        let frame = Frame(
            xScale: xKind == .linear
                ? PlotScale.linear(covering: xValues)
                : PlotScale.weightsRemaining(covering: xValues, length: Self.plotWidth),
            yScale: PlotScale.linear(covering: yValues))

        // About 7.3 px per character of 13 px Helvetica; the legend grows to fit its labels.
        let longest = series.map(\.label.count).max() ?? 0
        let legendWidth = series.isEmpty ? 0 : max(120, Double(longest) * 7.3 + 48)
        let width = Self.left + Self.plotWidth + Self.legendGap + legendWidth + 12
        // A long legend (many configs × branches) makes the picture taller rather than spill out.
        let height = max(Self.top + Self.plotHeight + Self.bottom, Self.top + 10 + Double(series.count) * 22 + 12)
        var document = SVGDocument(width: width, height: height)
        let left = Self.left, top = Self.top, plotWidth = Self.plotWidth, plotHeight = Self.plotHeight

        document.text(title, x: left + plotWidth / 2, y: 26, anchor: "middle", size: 16, bold: true)
        if let subtitle {
            document.text(subtitle, x: left + plotWidth / 2, y: 46, anchor: "middle", size: 12, fill: "#555")
        }
        drawAxes(frame, on: &document)
        if plotted.isEmpty {
            document.text(emptyNote, x: left + plotWidth / 2, y: top + plotHeight / 2, anchor: "middle", size: 14,
                          fill: "#888")
        }
        for series in plotted {
            draw(series, frame, on: &document)
        }
        if !series.isEmpty {
            drawLegend(on: &document)
        }
        return document.text
    }

    /// The scales of one picture, and where a value lands in it.
    private struct Frame {
        var xScale: PlotScale
        var yScale: PlotScale

        func px(_ x: Double) -> Double { LinePlot.left + xScale.fraction(x) * LinePlot.plotWidth }
        func py(_ y: Double) -> Double { LinePlot.top + (1 - yScale.fraction(y)) * LinePlot.plotHeight }
    }

    /// The plot area's frame, grid lines, ticks and axis labels.
    private func drawAxes(_ frame: Frame, on document: inout SVGDocument) {
        let left = Self.left, top = Self.top, plotWidth = Self.plotWidth, plotHeight = Self.plotHeight
        document.group(["class": "axes"]) { svg in
            svg.element("rect", ["x": SVGDocument.number(left), "y": SVGDocument.number(top),
                                 "width": SVGDocument.number(plotWidth), "height": SVGDocument.number(plotHeight),
                                 "fill": "none", "stroke": "#888"])
            for (tick, label) in zip(frame.yScale.ticks, frame.yScale.tickLabels) {
                let y = frame.py(tick)
                svg.line(x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: "#e4e4e4")
                svg.line(x1: left - 5, y1: y, x2: left, y2: y, stroke: "#888")
                svg.text(label, x: left - 8, y: y + 4, anchor: "end", size: 12)
            }
            for (tick, label) in zip(frame.xScale.ticks, frame.xScale.tickLabels) {
                let x = frame.px(tick)
                svg.line(x1: x, y1: top, x2: x, y2: top + plotHeight, stroke: "#e4e4e4")
                svg.line(x1: x, y1: top + plotHeight, x2: x, y2: top + plotHeight + 5, stroke: "#888")
                svg.text(label, x: x, y: top + plotHeight + 20, anchor: "middle", size: 12)
            }
            svg.text(xLabel, x: left + plotWidth / 2, y: top + plotHeight + 48, anchor: "middle", size: 14)
            svg.text(yLabel, x: 24, y: top + plotHeight / 2, anchor: "middle", size: 14, rotate: -90)
        }
    }

    /// One series: its range (a band or error bars), its line and its markers.
    private func draw(_ series: PlotSeries, _ frame: Frame, on document: inout SVGDocument) {
        document.group(["class": "series", "data-label": series.label]) { svg in
            let ranged = series.points.filter { $0.low != nil && $0.high != nil }
            switch series.range {
            case .band where ranged.count > 1:
                let upper = ranged.map { (frame.px($0.x), frame.py($0.high!)) }
                let lower = ranged.reversed().map { (frame.px($0.x), frame.py($0.low!)) }
                svg.element("polygon", ["class": "range", "points": SVGDocument.points(upper + lower),
                                        "fill": series.color, "fill-opacity": "0.15", "stroke": "none"])
            case .band:
                break
            case .errorBars:
                var path = ""
                for point in ranged where point.high! > point.low! {
                    let x = frame.px(point.x), low = frame.py(point.low!), high = frame.py(point.high!)
                    path += "M\(SVGDocument.number(x)) \(SVGDocument.number(low))V\(SVGDocument.number(high))"
                    path += "M\(SVGDocument.number(x - 4)) \(SVGDocument.number(low))h8"
                    path += "M\(SVGDocument.number(x - 4)) \(SVGDocument.number(high))h8"
                }
                if !path.isEmpty {
                    svg.element("path", ["class": "range", "d": path, "stroke": series.color, "stroke-width": "1.2",
                                         "fill": "none"])
                }
            }
            svg.polyline(series.points.map { (frame.px($0.x), frame.py($0.y)) }, stroke: series.color, width: 2,
                         dash: series.dash)
            if series.markers {
                for point in series.points {
                    svg.element("circle", ["cx": SVGDocument.number(frame.px(point.x)),
                                           "cy": SVGDocument.number(frame.py(point.y)), "r": "3.5", "fill": series.color])
                }
            }
        }
    }

    /// Every series' line, marker and label, to the right of the plot area.
    private func drawLegend(on document: inout SVGDocument) {
        let x = Self.left + Self.plotWidth + Self.legendGap
        let top = Self.top
        document.group(["class": "legend"]) { svg in
            for (index, series) in series.enumerated() {
                let y = top + 10 + Double(index) * 22
                svg.line(x1: x, y1: y, x2: x + 28, y2: y, stroke: series.color, width: 2, dash: series.dash)
                if series.markers {
                    svg.element("circle", ["cx": SVGDocument.number(x + 14), "cy": SVGDocument.number(y), "r": "3.5",
                                           "fill": series.color])
                }
                svg.text(series.label, x: x + 36, y: y + 4.5, fill: series.points.isEmpty ? "#999" : "#222")
            }
        }
    }
}
