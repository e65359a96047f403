import Testing
@testable import Reports

@Suite struct StatisticsTests {
    @Test func meanSampleStdMinMax() throws {
        // Mean 0.625; squared deviations 0.140625, 0.015625, 0.015625, 0.140625 sum to 0.3125.
        let statistics = try #require(Statistics([0.25, 0.5, 0.75, 1.0]))
        #expect(statistics.n == 4)
        #expect(statistics.mean == 0.625)
        #expect(statistics.std == (0.3125 / 3).squareRoot())
        #expect(statistics.min == 0.25)
        #expect(statistics.max == 1.0)
    }

    @Test func twoValues() throws {
        let statistics = try #require(Statistics([100, 200]))
        #expect(statistics.mean == 150)
        #expect(statistics.std == (5_000.0).squareRoot())
    }

    @Test func oneValueHasNoStd() throws {
        let statistics = try #require(Statistics([0.9]))
        #expect(statistics.n == 1)
        #expect(statistics.std == nil)
        #expect(statistics.min == 0.9 && statistics.max == 0.9 && statistics.mean == 0.9)
    }

    @Test func nonFiniteValuesAreLeftOut() throws {
        let statistics = try #require(Statistics([1, .nan, 3, .infinity]))
        #expect(statistics.n == 2)
        #expect(statistics.mean == 2)
        #expect(Statistics([]) == nil)
        #expect(Statistics([.nan]) == nil)
    }

    @Test func deviationsAreTakenFromTheMean() throws {
        // E[x²] − E[x]² would lose these digits to cancellation.
        let statistics = try #require(Statistics([1e9 + 1, 1e9 + 2, 1e9 + 3]))
        #expect(statistics.std == 1)
    }
}

@Suite struct StatisticsOfEqualValuesTests {
    @Test func equalValuesHaveTheirValueAsMeanAndNoSpread() throws {
        let value = 51.281367392937646
        let statistics = try #require(Statistics([value, value, value]))
        #expect(statistics.mean == value)
        #expect(statistics.std == 0)
    }
}
