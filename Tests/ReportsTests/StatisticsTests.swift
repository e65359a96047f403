import Foundation
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

@Suite struct RunningRangeTests {
    /// What `Statistics` gives for the same values in the same order, bit for bit.
    private func expectSameAsStatistics(_ values: [Double]) throws {
        var range = RunningRange(first: values[0])
        for value in values { range.add(value) }
        let statistics = try #require(Statistics(values))
        #expect(range.count == statistics.n)
        #expect(range.mean.bitPattern == statistics.mean.bitPattern)
        #expect(range.min.bitPattern == statistics.min.bitPattern)
        #expect(range.max.bitPattern == statistics.max.bitPattern)
    }

    @Test func meanMinMaxAsStatisticsGivesThem() throws {
        try expectSameAsStatistics([0.25, 0.5, 0.75, 1.0])
        try expectSameAsStatistics([88.1, 87.93, 88.27, 10.0, 91.5])
        // Equal values: exactly the value, not a rounded sum.
        try expectSameAsStatistics(Array(repeating: 51.28125000000001, count: 3))
        try expectSameAsStatistics([42])
        // Accuracies of many seeds: values whose sum rounds differently in other orders.
        for count in [2, 7, 64, 199] {
            let values = (0..<count).map { (index: Int) -> Double in
                let phase = Double(index) * 1.7 + Double(count)
                return 100 * (0.5 + 0.4 * sin(phase))
            }
            try expectSameAsStatistics(values)
        }
    }
}
