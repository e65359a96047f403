import LotteryCore
import Testing

@testable import Reports

@Suite struct ReportPlotsTests {
    private func plots(_ fixture: JournalFixture, options: ReportOptions = ReportOptions()) throws -> ReportPlots {
        let results = try fixture.results()
        let grouping = try Grouping(plan: results.plan, axes: options.groupBy)
        return ReportPlots(results: results, grouping: grouping, levels: LevelSummary.all(results, grouping: grouping),
                           options: options)
    }

    @Test func accuracyVersusWeightsHasALinePerConfigAndBranch() throws {
        let fixture = try JournalFixture.finished()
        let plot = try plots(fixture).accuracyVersusWeights
        #expect(plot.series.map(\.label) == ["fc=0.2 · ticket", "fc=0.2 · reinit", "fc=0.5 · ticket", "fc=0.5 · reinit"])
        let ticket = plot.series[0]
        // The ticket line starts at the dense run; accuracies in percent, bars min–max.
        #expect(zip(ticket.points.map(\.y), [62.5, 62.5, 62.25]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(ticket.points.map(\.low) == [50, 62.5, 62])
        #expect(ticket.points.map(\.high) == [75, 62.5, 62.5])
        #expect(ticket.points[0].x == 100)
        #expect(ticket.points.map(\.x) == ticket.points.map(\.x).sorted(by: >))
        let reinit = plot.series[1]
        #expect(reinit.points.map(\.y) == [62.5, 50])
        #expect(reinit.points[0].low == 25 && reinit.points[0].high == 100)
        #expect(reinit.dash != nil && ticket.dash == nil)
        #expect(ticket.color == reinit.color, "one colour per config, the dash tells the branch")
        #expect(plot.series[2].color != ticket.color)

        let root = try #require(XMLNode.parse(plot.svg))
        let drawn = root.all("g").filter { $0.attributes["class"] == "series" }
        #expect(drawn.map { $0.attributes["data-label"]! } == plot.series.map(\.label))
        #expect(drawn.allSatisfy { $0.all("polyline").count == 1 })
        let legend = try #require(root.all("g").first { $0.attributes["class"] == "legend" })
        #expect(legend.all("text").map(\.text) == plot.series.map(\.label))
        #expect(root.all("text").map(\.text).contains("Percent of weights remaining (log scale)"))
    }

    @Test func oneConfigIsColouredByBranch() throws {
        let fixture = try JournalFixture.finished()
        let plot = try plots(fixture, options: ReportOptions(groupBy: [])).accuracyVersusWeights
        #expect(plot.series.map(\.label) == ["ticket", "reinit"])
        #expect(plot.series[0].color != plot.series[1].color)
        #expect(plot.series[0].points.count == 3)
    }

    @Test func earlyStopVersusWeights() throws {
        let fixture = try JournalFixture.finished()
        let plot = try plots(fixture).earlyStopVersusWeights
        #expect(plot.series[0].points.map(\.y) == [150, 100, 100])
        #expect(plot.series[0].points[0].low == 100 && plot.series[0].points[0].high == 200)
        #expect(plot.yLabel == "Early-stop iteration")
        #expect(XMLNode.parse(plot.svg) != nil)
    }

    @Test func generalizationGapVersusWeights() throws {
        let fixture = try JournalFixture.finished(training: true)
        let plot = try plots(fixture).generalizationGapVersusWeights
        #expect(plot.series.map(\.label) == ["fc=0.2 · ticket", "fc=0.2 · reinit", "fc=0.5 · ticket", "fc=0.5 · reinit"])
        // Training less test accuracy at early stop, in points: the dense runs 25, tickets 12.5,
        // controls 0 (the fixture's gaps); the ticket line starts at the dense run.
        let ticket = plot.series[0]
        #expect(zip(ticket.points.map(\.y), [25, 12.5, 12.5]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(ticket.points[0].x == 100)
        #expect(ticket.points.map(\.x) == ticket.points.map(\.x).sorted(by: >))
        #expect(plot.series[1].points.map(\.y) == [0, 0])
        #expect(plot.series[1].dash != nil && ticket.dash == nil)
        #expect(plot.xKind == .logarithmicDescending)

        let root = try #require(XMLNode.parse(plot.svg))
        let drawn = root.all("g").filter { $0.attributes["class"] == "series" }
        #expect(drawn.map { $0.attributes["data-label"]! } == plot.series.map(\.label))
        #expect(drawn.allSatisfy { $0.all("polyline").count == 1 && $0.all("circle").count >= 2 })
        #expect(root.all("text").map(\.text).contains("Train − test accuracy at early stop (points)"))
    }

    @Test func theGapPlotOfAJournalWithoutTrainingAccuracySaysSo() throws {
        let fixture = try JournalFixture.finished()
        let plot = try plots(fixture).generalizationGapVersusWeights
        #expect(plot.series.count == 4)
        #expect(plot.series.allSatisfy { $0.points.isEmpty })
        let root = try #require(XMLNode.parse(plot.svg))
        #expect(root.all("text").map(\.text).contains("no finished trial measured training accuracy"))
    }

    @Test func learningCurvesAverageTheSeedsOfSomeLevels() throws {
        let fixture = try JournalFixture.finished()
        let plot = try plots(fixture).learningCurves
        // Weights remaining as the trials measured them (the fixture keeps the output layer whole).
        #expect(plot.series.map(\.label) == ["level 0 · 100% weights", "level 1 · 80.1% weights", "level 2 · 64.2% weights"])
        // Dense seeds reach 0.5 and 0.75 at iteration 100, 0.0625 less at 200.
        let dense = plot.series[0]
        #expect(dense.points.map(\.x) == [0, 100, 200])
        #expect(dense.points.map(\.y) == [10, 62.5, 56.25])
        #expect(dense.points[1].low == 50 && dense.points[1].high == 75)
        #expect(dense.range == .band && !dense.markers)
        #expect(plot.title.contains("config 0 (pruning.rates.fc=0.2)"))
        #expect(XMLNode.parse(plot.svg) != nil)
    }

    @Test func learningCurvesOfChosenLevelsAndConfig() throws {
        let fixture = try JournalFixture.finished()
        let plot = try plots(fixture, options: ReportOptions(curvesConfig: 1, curvesLevels: [2, 5])).learningCurves
        #expect(plot.series.count == 2)
        #expect(plot.series[0].label.hasPrefix("level 2 · 25."))
        #expect(plot.series[0].points.map(\.y) == [10, 50, 43.75])
        #expect(plot.series[1].label == "level 5 · not finished")
        #expect(plot.series[1].points.isEmpty)
    }

    @Test func spreadKeepsTheEndsAndSpacesTheRest() {
        #expect(ReportPlots.spread([0, 1, 2], count: 5) == [0, 1, 2])
        #expect(ReportPlots.spread(Array(0...18), count: 5) == [0, 5, 9, 14, 18])
    }

    @Test func aSweepThatHasJustStartedStillPlots() throws {
        let fixture = try JournalFixture()
        for (_, svg) in try plots(fixture).files {
            let root = try #require(XMLNode.parse(svg))
            #expect(root.all("g").filter { $0.attributes["class"] == "series" }.isEmpty)
            #expect(root.all("text").map(\.text).contains("no finished trials yet"))
        }
    }
}
