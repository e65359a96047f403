import Testing
@testable import Reports

@Suite struct LinePlotTests {
    static let plot = LinePlot(
        title: "Accuracy & <weights>", subtitle: "bars: min–max", xLabel: "Percent of weights remaining",
        yLabel: "Test accuracy (%)", xKind: .logarithmicDescending,
        series: [
            PlotSeries(label: "ticket", color: "#4e79a7", dash: nil, points: [
                PlotPoint(x: 100, y: 90, low: 89, high: 91), PlotPoint(x: 51.3, y: 91, low: 90.5, high: 91.5),
            ]),
            PlotSeries(label: "reinit \"#0\"", color: "#f28e2b", dash: "7 4", points: [
                PlotPoint(x: 51.3, y: 88, low: 88, high: 88),
            ]),
            PlotSeries(label: "random-prune", color: "#e15759", dash: "2 3", points: []),
        ])

    @Test func isWellFormedStandaloneSVG() throws {
        let svg = Self.plot.svg
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let root = try #require(XMLNode.parse(svg))
        #expect(root.name == "svg")
        let viewBox = try #require(root.attributes["viewBox"]).split(separator: " ").compactMap { Double($0) }
        #expect(viewBox.count == 4 && viewBox[0] == 0 && viewBox[1] == 0)
        #expect(root.attributes["width"].flatMap(Double.init) == viewBox[2])
        #expect(root.attributes["height"].flatMap(Double.init) == viewBox[3])
    }

    @Test func drawsALinePerSeriesWithPointsAndLegendsThemAll() throws {
        let root = try #require(XMLNode.parse(Self.plot.svg))
        let series = root.all("g").filter { $0.attributes["class"] == "series" }
        #expect(series.map { $0.attributes["data-label"] } == ["ticket", "reinit \"#0\""])
        #expect(series.map { $0.all("polyline").count } == [1, 1])
        #expect(series.map { $0.all("circle").count } == [2, 1])
        #expect(series[1].all("polyline")[0].attributes["stroke-dasharray"] == "7 4")
        // Error bars only where min < max.
        #expect(series[0].all("path").count == 1)
        #expect(series[1].all("path").isEmpty)
        let legend = try #require(root.all("g").first { $0.attributes["class"] == "legend" })
        #expect(legend.all("text").map(\.text) == ["ticket", "reinit \"#0\"", "random-prune"])
        let texts = root.all("text").map(\.text)
        #expect(texts.contains("Accuracy & <weights>"))
        #expect(texts.contains("Percent of weights remaining"))
        #expect(texts.contains("Test accuracy (%)"))
        #expect(texts.contains("bars: min–max"))
    }

    @Test func anEmptyPlotSaysSo() throws {
        var plot = Self.plot
        plot.series = plot.series.map { var empty = $0; empty.points = []; return empty }
        let root = try #require(XMLNode.parse(plot.svg))
        #expect(root.all("polyline").isEmpty)
        #expect(root.all("text").map(\.text).contains("no finished trials yet"))
    }

    @Test func aLongLegendMakesThePictureTaller() throws {
        var plot = Self.plot
        plot.series = (0..<40).map { PlotSeries(label: "series \($0)", color: "#000", dash: nil, points: []) }
        let root = try #require(XMLNode.parse(plot.svg))
        let height = try #require(root.attributes["height"].flatMap(Double.init))
        let lastLegendY = try #require(root.all("text").last?.attributes["y"].flatMap(Double.init))
        #expect(lastLegendY < height)
    }

    @Test func bandsShadeTheRangeOfCurves() throws {
        let plot = LinePlot(title: "curves", xLabel: "Training iteration", yLabel: "Test accuracy (%)", xKind: .linear,
                            series: [PlotSeries(label: "level 0", color: "#4e79a7", dash: nil, points: [
                                PlotPoint(x: 0, y: 10, low: 9, high: 11), PlotPoint(x: 100, y: 80, low: 78, high: 82),
                            ], range: .band, markers: false)])
        let root = try #require(XMLNode.parse(plot.svg))
        #expect(root.all("polygon").count == 1)
        #expect(root.all("circle").isEmpty)
    }
}
