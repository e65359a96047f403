/// One point of a series, with an optional range drawn as an error bar or band (min–max over seeds).
struct PlotPoint: Hashable {
    var x: Double
    var y: Double
    var low: Double?
    var high: Double?
}

/// One line of a plot and its legend entry.
struct PlotSeries: Hashable {
    enum Range: Hashable {
        /// A vertical bar with caps at each point.
        case errorBars
        /// A shaded band along the line (for dense curves, where bars would be a thicket).
        case band
    }

    var label: String
    /// An SVG colour, `#4e79a7`.
    var color: String
    /// An SVG dash pattern (`6 4`); nil for a solid line.
    var dash: String?
    var points: [PlotPoint]
    var range: Range = .errorBars
    /// Draw a dot at each point.
    var markers = true
}

/// Colours for series: Tableau 10, minus the yellow and grey that are hard to see on white.
enum PlotPalette {
    static let colors = ["#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#9c755f", "#ff9da7"]

    static func color(_ index: Int) -> String {
        colors[index % colors.count]
    }
}
