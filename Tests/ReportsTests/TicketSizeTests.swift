import Testing
@testable import Reports

@Suite struct TicketSizeTests {
    private func sizes(_ fixture: JournalFixture, tolerance: Double = 0.5) throws -> [TicketSize] {
        let results = try fixture.results()
        return TicketSize.all(LevelSummary.all(results, grouping: try Grouping(plan: results.plan, axes: nil)),
                              tolerance: tolerance)
    }

    @Test func theSparsestMatchingLevelAndTheFirstBelow() throws {
        let fixture = try JournalFixture.finished()
        let sizes = try sizes(fixture)
        #expect(sizes.map { "\($0.group) \($0.branch.rawValue)" } == ["0 ticket", "0 reinit", "1 ticket", "1 reinit"])
        #expect(sizes.allSatisfy { $0.denseAccuracy == 0.625 && $0.finishedLevels == 2 })
        #expect(sizes.map { $0.sparsestMatching?.level } == [2, 1, 1, nil])
        #expect(sizes.map { $0.firstBelow?.level } == [nil, 2, 2, 1])
    }

    @Test func theToleranceIsInPercentagePoints() throws {
        let fixture = try JournalFixture.finished()
        // Level 2 of the fc 0.2 ticket is 0.25 points below dense.
        #expect(try sizes(fixture, tolerance: 0.2)[0].sparsestMatching?.level == 1)
        #expect(try sizes(fixture, tolerance: 0.2)[0].firstBelow?.level == 2)
        #expect(try sizes(fixture, tolerance: 0.3)[0].sparsestMatching?.level == 2)
        // 12.5 points covers the fc 0.2 reinit at level 2 (0.5 against 0.625) but not 37.5 points.
        #expect(try sizes(fixture, tolerance: 12.5)[1].firstBelow == nil)
        #expect(try sizes(fixture, tolerance: 12.5)[3].sparsestMatching == nil)
    }

    @Test func nothingToCompareWithoutAFinishedDenseRun() throws {
        let fixture = try JournalFixture()
        try fixture.finish(fixture.trial(level: 1, .ticket, seed: 0, fc: "0.2"), accuracy: 0.5)
        #expect(try sizes(fixture).isEmpty)
    }

    @Test func branchesWithoutFinishedLevelsAreListedEmpty() throws {
        let fixture = try JournalFixture()
        try fixture.finish(fixture.dense(seed: 0), accuracy: 0.5)
        let sizes = try sizes(fixture)
        #expect(sizes.count == 4)
        #expect(sizes.allSatisfy { $0.finishedLevels == 0 && $0.sparsestMatching == nil && $0.firstBelow == nil })
    }
}
