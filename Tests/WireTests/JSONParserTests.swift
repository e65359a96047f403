import Foundation
import Testing
@testable import Wire

@Suite struct JSONParserTests {
    private func parse(_ text: String) -> JSONValue? {
        try? JSONParser.parse(Array(text.utf8))
    }

    private func number(_ text: String) -> JSONNumber {
        JSONNumber(validating: text)!
    }

    // MARK: Corpus

    @Test func acceptsValidJSON() {
        let valid = [
            "{}", "[]", "0", "-0", "1", "-1", "1.5", "1e5", "1E+5", "1e-5", "0.0", "-0.0e-0", "12345678901234567890123",
            "true", "false", "null", #""""#, #""a""#, " \t\r\n{ } \n", #"{"a":1}"#, #"{"a":{"b":[1,2,{"c":null}]}}"#,
            #"[1,"two",true,false,null,{},[]]"#, #"{"":0}"#, #"{"a":1,"a":2}"#, #"["\u0000"]"#, #""\"\\\/\b\f\n\r\t""#,
            #""\u00e9\u20AC\ud83d\ude00""#, "\"é€😀\"", "\"\u{7f}\"", "[[[[[[[[[[]]]]]]]]]]", "[1 , 2 ]", "{ \"a\" : 1 }",
        ]
        for text in valid {
            #expect(parse(text) != nil, "\(text)")
        }
    }

    @Test func refusesInvalidJSON() {
        let invalid = [
            "", " ", "{", "}", "[", "]", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\"}", "{\"a\":}", "{a:1}", "{'a':1}",
            "['a']", "01", "-01", "+1", ".5", "1.", "1.e5", "1e", "1e+", "-", "--1", "0x10", "nan", "inf", "-NaN", "+Infinity",
            "Infinityy", "-infinity", "Inf", "NaNa", "- Infinity", "-",
            "tru", "truex", "nul", "True", "[1 2]", "{\"a\":1 \"b\":2}", "{} {}", "1 2", "\"abc", "\"\\\"", "\"\\x\"",
            "\"\\u12\"", "\"\\u12g4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800x\"", "\"\t\"",
            "\"\n\"", "\"\u{1}\"", "[1]//", "/* */[]", "\u{feff}[]", "[\"a\"]]", "{\"a\":[}", "[{]}", "nulll", "\"\\", "\\u0041",
        ]
        for text in invalid {
            #expect(parse(text) == nil, "\(text.debugDescription)")
        }
    }

    @Test func refusesInvalidUTF8() throws {
        let quote = UInt8(ascii: "\"")
        let bad: [[UInt8]] = [[0xff], [0xc0, 0x80], [0xc3], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
                              [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]]
        for sequence in bad {
            #expect((try? JSONParser.parse([quote] + sequence + [quote])) == nil, "\(sequence)")
            #expect((try? JSONParser.parse([quote, UInt8(ascii: "\\"), UInt8(ascii: "n")] + sequence + [quote])) == nil, "\(sequence)")
            #expect((try? JSONParser.parse(sequence)) == nil)
        }
        #expect(try JSONParser.parse([quote, 0xc3, 0xa9, quote]) == .string("é"))
        #expect(try JSONParser.parse([quote, 0xf4, 0x8f, 0xbf, 0xbf, quote]) == .string("\u{10FFFF}"))
    }

    /// The validator agrees with the standard library's (a string made from bytes gives
    /// the same bytes back exactly when they were valid UTF-8) on random byte strings.
    @Test func utf8ValidationMatchesTheStandardLibrary() {
        var random = SplitMix64(seed: 99)
        let interesting: [UInt8] = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
                                    0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff]
        for _ in 0 ..< 50_000 {
            let bytes = (0 ..< Int(random.next() % 6)).map { _ in interesting[Int(random.next() % UInt64(interesting.count))] }
            let standard = Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
            #expect(JSONParser.isValidUTF8(bytes) == standard, "\(bytes)")
        }
    }

    // MARK: Values

    @Test func parsesStructureInOrder() throws {
        let value = try JSONParser.parse(Array(#"{"b":[1,"x",true,null],"a":{"c":false},"b":2}"#.utf8))
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.members.map(\.key) == ["b", "a", "b"])
        #expect(object["b"] == .array([.number(number("1")), .string("x"), .bool(true), .null]))
        #expect(object["a"] == .object(JSONObject([.init(key: "c", value: .bool(false))])))
        #expect(object["missing"] == nil)
    }

    @Test func unescapesStrings() throws {
        let cases: [(String, String)] = [
            (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{c}\n\r\t"),
            (#""\u0041\u00e9\u20ac\u20AC""#, "Aé€€"),
            (#""\ud83d\ude00 \uD834\uDD1E""#, "😀 𝄞"),
            (#""\u0000x""#, "\u{0}x"),
            (#""plain é and \n escaped""#, "plain é and \n escaped"),
            (#""\uffff\ue000""#, "\u{ffff}\u{e000}"),
        ]
        for (json, expected) in cases {
            #expect(try JSONParser.parse(Array(json.utf8)) == .string(expected), "\(json)")
        }
    }

    @Test func readsIntegersExactly() {
        #expect(number("0").int64 == 0)
        #expect(number("-0").int64 == 0)
        #expect(number("9223372036854775807").int64 == .max)
        #expect(number("-9223372036854775808").int64 == .min)
        #expect(number("9223372036854775808").int64 == nil)
        #expect(number("-9223372036854775809").int64 == nil)
        #expect(number("18446744073709551615").uint64 == .max)
        #expect(number("18446744073709551557").uint64 == 18_446_744_073_709_551_557)
        #expect(number("18446744073709551616").uint64 == nil)
        #expect(number("-1").uint64 == nil)
        #expect(number("-0").uint64 == 0)
        #expect(number("1.0").int64 == 1)
        #expect(number("1e2").int64 == 100)
        #expect(number("1E+2").int64 == 100)
        #expect(number("12.50e1").int64 == 125)
        #expect(number("100e-2").int64 == 1)
        #expect(number("0.5e1").int64 == 5)
        #expect(number("0e99999999999").int64 == 0)
        #expect(number("1.5").int64 == nil)
        #expect(number("1e-1").int64 == nil)
        #expect(number("1e40").int64 == nil)
        #expect(number("1e999999999999999999999").int64 == nil)
        #expect(number("1.8446744073709551615e19").uint64 == .max)
        #expect(number("9007199254740993").int64 == 9_007_199_254_740_993)  // 2^53 + 1: not a double
        #expect(JSONNumber(validating: "00") == nil)
        #expect(JSONNumber(validating: "1.") == nil)
        #expect(JSONNumber(validating: "") == nil)
    }

    /// Python's `json.dumps` writes non-finite floats as bare words, by default.
    @Test func readsPythonsNonFiniteWordsAsNumbers() throws {
        let value = try #require(parse(#"{"a":NaN,"b":[Infinity,-Infinity], "c" : -Infinity }"#))
        guard case .object(let object) = value, case .number(let nan) = object["a"], case .array(let list) = object["b"],
              case .number(let infinity) = list[0], case .number(let negative) = list[1],
              case .number(let spaced) = object["c"] else {
            Issue.record("not read as numbers: \(value)")
            return
        }
        #expect(nan.double?.isNaN == true)
        #expect(infinity.double == .infinity)
        #expect(negative.double == -.infinity)
        #expect(spaced.double == -.infinity)
        for word in [nan, infinity, negative] {
            #expect(word.int64 == nil)
            #expect(word.uint64 == nil)
        }
    }

    @Test func readsDoublesExactly() {
        #expect(number("0.1").double == 0.1)
        #expect(number("-0.0").double.map { $0 == 0 && $0.sign == .minus } == true)
        #expect(number("1e308").double == 1e308)
        #expect(number("1.7976931348623157e308").double == .greatestFiniteMagnitude)
        // Too large for a double: infinity, as IEEE 754 rounds it and every reader reads it.
        #expect(number("1.7976931348623159e308").double == .infinity)
        #expect(number("1e400").double == .infinity)
        #expect(number("1e999").double == .infinity)
        #expect(number("-1e999").double == -.infinity)
        #expect(number("1e-400").double == nil)  // nonzero, but would read as 0
        #expect(number("0e-400").double == 0)
        #expect(number("4.9e-324").double == .leastNonzeroMagnitude)
        #expect(number("2.2250738585072014e-308").double == .leastNormalMagnitude)
        #expect(number("9007199254740993").double == 9_007_199_254_740_992)
        #expect(number("123456789012345678901234567890").double == 1.2345678901234568e29)
        #expect(number("0.30000000000000004").double == 0.1 + 0.2)
    }

    /// The fast path (short decimals) and the general one agree with `Double(String)` on
    /// many generated numbers.
    @Test func doublesMatchTheStandardLibrary() {
        var random = SplitMix64(seed: 5)
        for _ in 0 ..< 20_000 {
            let text: String
            switch random.next() % 4 {
            case 0: text = String(Double(bitPattern: random.next()))
            case 1: text = "\(random.next() % 1_000_000_000_000_000).\(random.next() % 1_000_000)"
            case 2: text = "0.\(String(repeating: "0", count: Int(random.next() % 25)))\(random.next() % 100_000)"
            default: text = "\(random.next() % 100_000)e\(Int(random.next() % 60) - 30)"
            }
            guard let json = JSONNumber(validating: text) else { continue }  // "nan", "inf", "-1e-05"
            let expected = Double(text).flatMap { $0.isFinite ? $0 : nil }
            #expect(json.double == expected || (expected == 0 && json.double == nil), "\(text)")
        }
    }

    // MARK: Limits

    @Test func limitsNestingWithoutTrapping() async throws {
        func nested(_ depth: Int) -> [UInt8] { Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8) }
        #expect((try? JSONParser.parse(nested(512))) != nil)
        #expect((try? JSONParser.parse(nested(513))) == nil)
        #expect((try? JSONParser.parse(nested(100_000))) == nil)
        #expect((try? JSONParser.parse(nested(3), limits: JSONParser.Limits(maxDepth: 2))) == nil)
        let objects = Array((String(repeating: #"{"a":"#, count: 600) + "1" + String(repeating: "}", count: 600)).utf8)
        #expect((try? JSONParser.parse(objects)) == nil)
        // The deepest accepted document also parses on a task's (smaller) stack.
        let deep = nested(512)
        let parsed = await Task.detached { (try? JSONParser.parse(deep)) != nil }.value
        #expect(parsed)
    }

    @Test func limitsSize() {
        #expect((try? JSONParser.parse(Array("[1,2,3]".utf8), limits: JSONParser.Limits(maxBytes: 6))) == nil)
        #expect((try? JSONParser.parse(Array("[1,2,3]".utf8), limits: JSONParser.Limits(maxBytes: 7))) != nil)
    }

    @Test func failuresSayWhere() {
        #expect(throws: JSONParser.Failure(message: "expected , or ] in an array", offset: 3)) {
            try JSONParser.parse(Array("[1 2]".utf8))
        }
    }

    /// Random bytes, and random mutations of JSON text, never trap.
    @Test func arbitraryBytesNeverTrap() {
        var random = SplitMix64(seed: 17)
        let alphabet = Array(#"{}[]":,0123456789.-+eE \tnulltruefalse\u\"\\/bfnrtdD8"#.utf8) + [0xc3, 0xa9, 0xed, 0xf0, 0xff, 0x00, 0x1f]
        var accepted = 0
        for _ in 0 ..< 30_000 {
            let bytes = (0 ..< Int(random.next() % 40)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            if (try? JSONParser.parse(bytes)) != nil { accepted += 1 }
        }
        #expect(accepted > 0)
    }

    // MARK: Against JSONSerialization

    /// Random documents, written with random whitespace: the parser reads what
    /// JSONSerialization reads, and writing what it read gives the text back.
    @Test func roundTripsAgainstJSONSerialization() throws {
        var random = SplitMix64(seed: 23)
        for _ in 0 ..< 3_000 {
            let value = randomValue(&random, depth: 0)
            var text = ""
            write(value, into: &text, &random)
            let bytes = Array(text.utf8)
            let ours = try JSONParser.parse(bytes)
            let theirs = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            #expect(Self.same(ours, theirs), "\(text)")
            #expect(ours == value, "\(text)")
        }
    }

    /// Mutated documents: the parser accepts exactly what JSONSerialization accepts.
    @Test func acceptsWhatJSONSerializationAccepts() throws {
        var random = SplitMix64(seed: 29)
        var accepted = 0
        for _ in 0 ..< 6_000 {
            var text = ""
            write(randomValue(&random, depth: 0), into: &text, &random)
            var bytes = Array(text.utf8)
            for _ in 0 ... random.next() % 2 {
                let position = Int(random.next() % UInt64(bytes.count + 1))
                let pieces = [",", "]", "}", "[", "{", "\"", "\\", ":", "0", "-", ".", "e", " ", "n", "\\u", "\u{1}", "x"]
                switch random.next() % 3 {
                case 0: bytes.insert(contentsOf: Array(pieces[Int(random.next() % UInt64(pieces.count))].utf8), at: position)
                case 1 where position < bytes.count: bytes.remove(at: position)
                default: if position < bytes.count { bytes[position] = Array(pieces[Int(random.next() % UInt64(pieces.count))].utf8)[0] }
                }
            }
            let ours = try? JSONParser.parse(bytes)
            let theirs = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            let mutated = String(decoding: bytes, as: UTF8.self)
            switch (ours, theirs) {
            case (let ours?, let theirs?):
                accepted += 1
                #expect(Self.same(ours, theirs), "\(mutated.debugDescription)")
            case (let ours?, nil):
                // JSONSerialization refuses a number beyond a Double's range; the parser keeps
                // its text, and reads it as a Double later: an infinity when too large, a
                // failure when too small (as JSONDecoder did).
                #expect(Self.hasUnreadableNumber(ours), "\(mutated.debugDescription)")
            case (nil, _?):
                // JSONSerialization accepts a trailing comma; JSON (and JSONDecoder) does not.
                let withoutTrailingCommas = mutated.replacing(/,\s*([\]}])/) { $0.output.1 }
                #expect(withoutTrailingCommas != mutated && (try? JSONParser.parse(Array(withoutTrailingCommas.utf8))) != nil,
                        "\(mutated.debugDescription)")
            case (nil, nil):
                break
            }
        }
        #expect(accepted > 100)
    }

    // MARK: Helpers

    private func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        switch random.next() % (depth > 3 ? 4 : 6) {
        case 0: return [.null, .bool(true), .bool(false)][Int(random.next() % 3)]
        case 1:
            let numbers = ["0", "-0", "1", "-17", "3.25", "1e3", "-2.5E-3", "123456789", "9007199254740993", "0.1",
                           "18446744073709551615", "1.7976931348623157e308", "5e-324"]
            return .number(number(numbers[Int(random.next() % UInt64(numbers.count))]))
        case 2:
            let number = Double(bitPattern: random.next())
            return number.isFinite ? .number(self.number(String(number))) : .null
        case 3:
            let pieces = ["a", "é", "😀", "\"", "\\", "/", "\n", "\u{1}", "\u{7f}", " ", "€", "\u{2028}", "ab"]
            return .string((0 ..< random.next() % 6).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        case 4: return .array((0 ..< random.next() % 4).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var keys = Set<String>()
            var members: [JSONObject.Member] = []
            for _ in 0 ..< random.next() % 4 {
                let key = ["a", "b", "", "é", "key with \"quote\"", "v", "x\ny"][Int(random.next() % 7)]
                if keys.insert(key).inserted {
                    members.append(.init(key: key, value: randomValue(&random, depth: depth + 1)))
                }
            }
            return .object(JSONObject(members))
        }
    }

    /// JSON text for `value` with random whitespace and random escaping choices.
    private func write(_ value: JSONValue, into text: inout String, _ random: inout SplitMix64) {
        func space() { text += ["", "", " ", "\n", "\t ", "\r\n"][Int(random.next() % 6)] }
        func string(_ string: String) {
            text += "\""
            for scalar in string.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += random.next() % 2 == 0 ? "\\n" : "\\u000a"
                case "/": text += random.next() % 2 == 0 ? "/" : "\\/"
                case _ where scalar.value < 0x20: text += "\\u00" + String(scalar.value, radix: 16).leftPadded(2)
                case _ where scalar.value > 0x7f && random.next() % 2 == 0:
                    for unit in String(scalar).utf16 { text += "\\u" + String(unit, radix: 16).leftPadded(4) }
                default: text.unicodeScalars.append(scalar)
                }
            }
            text += "\""
        }
        space()
        switch value {
        case .null: text += "null"
        case .bool(let bool): text += bool ? "true" : "false"
        case .number(let number): text += number.text
        case .string(let value): string(value)
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                write(element, into: &text, &random)
            }
            space()
            text += "]"
        case .object(let object):
            text += "{"
            for (index, member) in object.members.enumerated() {
                if index > 0 { text += "," }
                space()
                string(member.key)
                space()
                text += ":"
                write(member.value, into: &text, &random)
            }
            space()
            text += "}"
        }
        space()
    }

    /// Whether a number in `value` is beyond a Double's finite range (it reads as nil, or as infinity).
    static func hasUnreadableNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): number.double.map { !$0.isFinite } ?? true
        case .array(let elements): elements.contains(where: hasUnreadableNumber)
        case .object(let object): object.members.contains { hasUnreadableNumber($0.value) }
        default: false
        }
    }

    /// Whether JSONSerialization's reading of a document is ours.
    static func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch ours {
        case .null: return theirs is NSNull
        case .bool(let bool):
            return (theirs as? NSNumber)?.boolValue == bool
        case .number(let number):
            guard let theirs = theirs as? NSNumber else { return false }
            // JSONSerialization reads long numbers as decimals, whose doubleValue is not
            // always the nearest double: compare the digits it read.
            guard let double = number.double else { return true }  // beyond a Double: refused when read
            if theirs.doubleValue == double || Double(theirs.description) == double { return true }
            let isInteger = !number.text.contains(where: { ".eE".contains($0) })
            return isInteger && (number.int64.map { theirs.int64Value == $0 } == true
                                 || number.uint64.map { theirs.uint64Value == $0 } == true)
        case .string(let string): return (theirs as? String) == string
        case .array(let elements):
            guard let array = theirs as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { same($0, $1) }
        case .object(let object):
            // JSONSerialization keeps the last of a repeated key (JSONObject reads the first, as JSONDecoder does).
            let lastWins = Dictionary(object.members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
            guard let dictionary = theirs as? [String: Any], dictionary.count == lastWins.count else { return false }
            return lastWins.allSatisfy { key, value in dictionary[key].map { same(value, $0) } ?? false }
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
