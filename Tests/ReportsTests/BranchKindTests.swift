import LotteryCore
import Testing

@testable import Reports

@Suite struct BranchKindTests {
    @Test func controlsLoseTheirReplicate() {
        #expect(BranchKind(.dense) == .dense)
        #expect(BranchKind(.ticket) == .ticket)
        #expect(BranchKind(.oneShot) == .oneShot)
        #expect(BranchKind(.control(.reinit, replicate: 2)) == .reinit)
        #expect(BranchKind(.control(.randomPrune, replicate: 0)) == .randomPrune)
        #expect(BranchKind.replicate(of: .control(.reinit, replicate: 2)) == 2)
        #expect(BranchKind.replicate(of: .ticket) == nil)
    }

    @Test func namesAndOrderAreThoseOfTheTables() {
        #expect(BranchKind.allCases.map(\.rawValue) == ["dense", "ticket", "one-shot", "reinit", "random-prune"])
        #expect(BranchKind.allCases.sorted() == BranchKind.allCases)
        #expect(BranchKind.ticket < .reinit)
    }
}
