import Testing
@testable import Reports

@Suite struct PlotScaleTests {
    @Test func weightsRemainingDecreaseToTheRightOnALogScale() {
        let values = [100, 51.3, 26.3, 13.5, 7.0, 3.6, 1.9]
        let scale = PlotScale.weightsRemaining(covering: values, length: 600)
        let positions = values.map(scale.fraction)
        #expect(positions == positions.sorted(), "100% on the left, sparser to the right")
        #expect(positions.first! > 0 && positions.last! < 1, "room at both ends")
        // Equal ratios, equal distances.
        let halving = scale.fraction(50) - scale.fraction(100)
        #expect(abs((scale.fraction(25) - scale.fraction(50)) - halving) < 1e-12)
        #expect(scale.tickLabels == ["100", "51.3", "26.3", "13.5", "7.0", "3.6", "1.9"])
    }

    @Test func ticksTooCloseTogetherAreLeftOut() {
        let scale = PlotScale.weightsRemaining(covering: [100, 98, 80, 79, 64], length: 600)
        #expect(scale.tickLabels == ["100", "80.0", "64.0"])
    }

    @Test func percentLabels() {
        #expect(PlotScale.percentLabel(100) == "100")
        #expect(PlotScale.percentLabel(99.97) == "100")
        #expect(PlotScale.percentLabel(51.27) == "51.3")
        #expect(PlotScale.percentLabel(7) == "7.0")
        #expect(PlotScale.percentLabel(0.564) == "0.56")
    }

    @Test func linearTicksAreRound() {
        let scale = PlotScale.linear(covering: [88.3, 97.6])
        #expect(scale.ticks == [88, 90, 92, 94, 96, 98])
        #expect(scale.tickLabels == ["88", "90", "92", "94", "96", "98"])
        #expect(scale.fraction(88) == 0 && scale.fraction(98) == 1)

        let wide = PlotScale.linear(covering: [87.3, 98.6])
        #expect(wide.tickLabels == ["85.0", "87.5", "90.0", "92.5", "95.0", "97.5", "100.0"])

        let fine = PlotScale.linear(covering: [0.1, 0.35])
        #expect(fine.tickLabels == ["0.10", "0.15", "0.20", "0.25", "0.30", "0.35"])

        let quarters = PlotScale.linear(covering: [0, 11])
        #expect(quarters.tickLabels == ["0.0", "2.5", "5.0", "7.5", "10.0", "12.5"])
        let iterations = PlotScale.linear(covering: [1_300, 2_400])
        #expect(iterations.tickLabels == ["1250", "1500", "1750", "2000", "2250", "2500"])
        let small = PlotScale.linear(covering: [0.1, 1.3])
        #expect(small.tickLabels == ["0.00", "0.25", "0.50", "0.75", "1.00", "1.25", "1.50"])
    }

    @Test func aSingleValueStillGetsARange() {
        let linear = PlotScale.linear(covering: [150])
        #expect(linear.lower < 150 && linear.upper > 150)
        let log = PlotScale.weightsRemaining(covering: [100], length: 600)
        #expect(log.fraction(100) > 0 && log.fraction(100) < 1)
        #expect(log.tickLabels == ["100"])
        let empty = PlotScale.linear(covering: [])
        #expect(!empty.ticks.isEmpty)
    }
}
