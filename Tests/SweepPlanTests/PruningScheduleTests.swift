import LotteryCore
import Testing

@Suite struct PruningScheduleTests {
    @Test func rateFromATarget() {
        // rate = 1 − target^(1/rounds)
        #expect(PruningSchedule.rate(reaching: 0.5, in: 1) == 0.5)
        #expect(PruningSchedule.rate(reaching: 0.25, in: 2) == 0.5)
        #expect(PruningSchedule.rate(reaching: 0.8 * 0.8 * 0.8, in: 3) == 0.2)
        #expect(PruningSchedule.rate(reaching: 0.035, in: 12) == 0.243737898759)
    }

    @Test func iterativeLevelsPruneByTheRatePerRound() {
        let schedule = PruningSchedule(method: .iterative, scope: .layerwise, ratesPerRound: LayerRates(fc: 0.2, output: 0.1))
        #expect(schedule.pruning(atLevel: 1) == schedule.pruning(atLevel: 7))
        #expect(schedule.pruning(atLevel: 3).rates == LayerRates(fc: 0.2, output: 0.1))
    }

    @Test func oneShotLevelsReachTheIterativeDensityInOneRound() {
        let schedule = PruningSchedule(method: .oneShot, scope: .layerwise,
                                       ratesPerRound: LayerRates(conv: 0.1, fc: 0.2, output: 0.1))
        #expect(schedule.pruning(atLevel: 1).rates == LayerRates(conv: 0.1, fc: 0.2, output: 0.1))
        #expect(schedule.pruning(atLevel: 2).rates == LayerRates(conv: 0.19, fc: 0.36, output: 0.19))
        let level10 = schedule.pruning(atLevel: 10).rates
        #expect(abs(level10.fc - (1 - 0.107_374_182_4)) < 1e-12)
    }

    @Test func computedRatesAreRoundedToTwelveDecimals() {
        #expect(PruningSchedule.canonicalRate(1 - (1 - 0.2)) == 0.2)
        #expect(PruningSchedule.canonicalRate(0.123_456_789_012_345) == 0.123_456_789_012)
    }
}
