import LotteryCore
import Testing

@Suite struct CanonicalFormTests {
    @Test func fieldsKeepTheirOrderAndDefaultsAreLeftOut() {
        var form = CanonicalForm()
        form.add("b", "2")
        form.add("a", 1)
        form.add("skipped", 0, default: 0)
        form.add("rate", 0.2, default: 0)
        form.add("zero", 0.0)
        #expect(form.text == "b=2\na=1\nrate=0.2\nzero=0\n")
    }

    @Test func addingAFieldAtItsDefaultLeavesTheIdUnchanged() {
        let recipe = TrialRecipe(model: Preset.lenet300100.model, data: DataSpec(dataset: "fashion-mnist"),
                                 training: Preset.lenet300100.training, seed: 3)
        let before = recipe.canonicalForm(parent: nil)
        // What a future hyperparameter looks like: written with a default meaning "as before".
        var after = before
        after.add("training.label_smoothing", 0.0, default: 0)
        after.add("training.gradient_clip", "", default: "")
        #expect(after == before)
        #expect(TrialID(canonicalForm: after) == TrialID(canonicalForm: before))
        // While a value that differs from the default does change it.
        after.add("training.label_smoothing", 0.1, default: 0)
        #expect(TrialID(canonicalForm: after) != TrialID(canonicalForm: before))
    }

    @Test func numbersAreShortestRoundTrip() {
        #expect(CanonicalForm.number(0.2) == "0.2")
        #expect(CanonicalForm.number(1.2e-3) == "0.0012")
        #expect(CanonicalForm.number(1e-8) == "1e-08")
        #expect(CanonicalForm.number(-0.0) == "0")
        #expect(CanonicalForm.number(1) == "1.0")
    }

    @Test func valuesStayOnOneLine() {
        var form = CanonicalForm()
        form.add("path", "a\nb\\c")
        #expect(form.lines == ["path=a\\nb\\\\c"])
    }
}
