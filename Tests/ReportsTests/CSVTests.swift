import Testing
@testable import Reports

@Suite struct CSVTests {
    @Test func plainFieldsAreLeftAsTheyAre() {
        #expect(CSV.line(["a", "b c", "1.5", nil, ""]) == "a,b c,1.5,,\n")
    }

    @Test func awkwardFieldsAreQuotedWithQuotesDoubled() {
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("two\nlines") == "\"two\nlines\"")
        #expect(CSV.field("cr\rhere") == "\"cr\rhere\"")
        #expect(CSV.line(["x", "out of memory, \"fc1\"\nretry"]) == "x,\"out of memory, \"\"fc1\"\"\nretry\"\n")
    }

    @Test func quotedFieldsReadBackUnchanged() {
        let awkward = ["a,b", "\"", "\"\"", "line\nbreak", "", "plain", "trailing,"]
        let parsed = ParsedCSV(CSV.line(["h1", "h2", "h3", "h4", "h5", "h6", "h7"]) + CSV.line(awkward))
        #expect(parsed.rows == [awkward])
    }

    @Test func numbersHaveFullPrecisionAndADecimalPoint() {
        #expect(CSV.number(0.1) == "0.1")
        #expect(CSV.number(1.0 / 3.0) == "0.3333333333333333")
        #expect(Double(CSV.number(1.0 / 3.0)!) == 1.0 / 3.0)
        #expect(CSV.number(1e-05) == "1e-05")
        #expect(CSV.number(100.0) == "100.0")
        #expect(CSV.number(42) == "42")
    }

    @Test func missingAndNaNNumbersAreEmptyCells() {
        #expect(CSV.number(Double?.none) == nil)
        #expect(CSV.number(Double.nan) == nil)
        #expect(CSV.number(Int?.none) == nil)
        #expect(CSV.line([CSV.number(Double.nan), "x"]) == ",x\n")
    }

    /// A diverged run's loss is a value, not a missing one; `inf` is what Python's
    /// `float()`, pandas and R read back as infinity.
    @Test func infinitiesAreInf() {
        #expect(CSV.number(Double.infinity) == "inf")
        #expect(CSV.number(-Double.infinity) == "-inf")
        #expect(CSV.number(-Double.infinity).flatMap { Double($0) } == -.infinity)
    }
}
