import LotteryCore
import Testing

@testable import SweepPlan

@Suite struct SuggestionTests {
    @Test func editDistance() {
        #expect(Suggestion.editDistance("", "abc") == 3)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("lr", "lrr") == 1)
        #expect(Suggestion.editDistance("same", "same") == 0)
    }

    @Test func nearestKnownWord() {
        let keys = ["optimizer", "lr", "batch", "length", "eval_every"]
        #expect(Suggestion.nearest(to: "lrr", among: keys) == "lr")
        #expect(Suggestion.nearest(to: "optimiser", among: keys) == "optimizer")
        #expect(Suggestion.nearest(to: "Batch", among: keys) == "batch")
        #expect(Suggestion.nearest(to: "temperature", among: keys) == nil)
        // A prefix of a long name is suggested even when many letters are missing.
        #expect(Suggestion.nearest(to: "lenet", among: ["lenet-300-100", "conv-2"]) == "lenet-300-100")
    }
}
