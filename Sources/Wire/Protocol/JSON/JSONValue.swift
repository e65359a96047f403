/// A parsed JSON document, as `JSONParser` makes it: strict RFC 8259 JSON, nothing lost.
///
/// Objects keep their members in order, duplicates included (`JSONObject` reads the first
/// of a duplicated key, as Foundation's `JSONDecoder` does); numbers keep their text, so
/// that a 64-bit seed or a loss survives exactly whatever it is read as.
enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// What kind of value this is, for error messages ("a string", "an array"…).
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON object's members in document order.
struct JSONObject: Hashable, Sendable {
    struct Member: Hashable, Sendable {
        var key: String
        var value: JSONValue
    }

    var members: [Member]

    init(_ members: [Member] = []) {
        self.members = members
    }

    /// The value of the first member named `key`. Headers are small objects: a linear
    /// search beats hashing every key.
    subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }
}

/// A JSON number as written: its text, already checked against the JSON grammar
/// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`), read exactly on demand; or one
/// of the words Python writes for the non-finite ones (`JSONParser`): `NaN`, `Infinity`,
/// `-Infinity`, which are doubles and never integers.
struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    let text: String

    /// `text` must be a valid JSON number (the parser's guarantee); see `init?(validating:)` otherwise.
    init(validText text: String) {
        self.text = text
    }

    static let nan = JSONNumber(validText: "NaN")
    static let infinity = JSONNumber(validText: "Infinity")
    static let negativeInfinity = JSONNumber(validText: "-Infinity")

    /// The value of `NaN`, `Infinity` or `-Infinity`; nil for a number in digits.
    private var wordValue: Double? {
        // Digits end every number of the grammar; a letter, only the words.
        guard let last = text.utf8.last, last == UInt8(ascii: "N") || last == UInt8(ascii: "y") else { return nil }
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return nil
        }
    }

    /// Nil unless `text` is a JSON number.
    init?(validating text: String) {
        var copy = text
        let valid = copy.withUTF8 { !$0.isEmpty && JSONNumber.scan($0, from: 0) == $0.count }
        guard valid else { return nil }
        self.text = text
    }

    var description: String { text }

    /// The end of the JSON number starting at `start`, or nil when none starts there.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        let end = bytes.count
        func digit(_ at: Int) -> Bool { at < end && bytes[at] &- UInt8(ascii: "0") < 10 }
        if index < end && bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digit(index) else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while digit(index) { index += 1 }
        }
        if index < end && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digit(index) else { return nil }
            while digit(index) { index += 1 }
        }
        if index < end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard digit(index) else { return nil }
            while digit(index) { index += 1 }
        }
        return index
    }

    // MARK: Exact reading

    /// The number's parts: negative, significant decimal digits without leading or
    /// trailing zeros (empty for zero), and the power of ten they are scaled by.
    private struct Decimal {
        var negative = false
        var digits: [UInt8] = []
        var exponent = 0  // value = digits × 10^exponent
    }

    /// Exponents beyond this are saturated: they make any nonzero value overflow every
    /// integer type and every Double (or underflow it), which is all that matters.
    private static let exponentBound = 100_000

    private var decimal: Decimal {
        var result = Decimal()
        var fractionDigits = 0
        var exponent = 0
        var exponentNegative = false
        var inFraction = false
        var inExponent = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-") where !inExponent: result.negative = true
            case UInt8(ascii: "-"): exponentNegative = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            default:
                let value = Int(byte &- UInt8(ascii: "0"))
                if inExponent {
                    exponent = min(exponent * 10 + value, Self.exponentBound)
                } else {
                    if inFraction { fractionDigits += 1 }
                    if value != 0 || !result.digits.isEmpty { result.digits.append(UInt8(value)) }
                }
            }
        }
        // fractionDigits counts leading zeros of the fraction that were not kept as digits;
        // that is right: 0.05 is digits [5] × 10^-2.
        result.exponent = (exponentNegative ? -exponent : exponent) - fractionDigits
        while let last = result.digits.last, last == 0 {
            result.digits.removeLast()
            result.exponent += 1
        }
        return result
    }

    /// The magnitude when the value is a whole number that fits in 64 bits.
    private func integerMagnitude() -> (negative: Bool, magnitude: UInt64)? {
        // Fast path: plain digits, the common case.
        let utf8 = text.utf8
        if utf8.count <= 19, utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 || $0 == UInt8(ascii: "-") }) {
            var magnitude: UInt64 = 0
            for byte in utf8 where byte != UInt8(ascii: "-") { magnitude = magnitude * 10 + UInt64(byte &- UInt8(ascii: "0")) }
            return (utf8.first == UInt8(ascii: "-"), magnitude)
        }
        if wordValue != nil { return nil }
        let decimal = self.decimal
        if decimal.digits.isEmpty { return (decimal.negative, 0) }
        guard decimal.exponent >= 0, decimal.digits.count + decimal.exponent <= 20 else { return nil }
        var magnitude: UInt64 = 0
        for digit in decimal.digits + Array(repeating: 0, count: decimal.exponent) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        return (decimal.negative, magnitude)
    }

    /// The value as an `Int64` when it is a whole number in range: `12`, also `12.0` and
    /// `1.2e1` (as `JSONDecoder` reads them), never `12.5`.
    var int64: Int64? {
        guard let (negative, magnitude) = integerMagnitude() else { return nil }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return .min }
            return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The value as a `UInt64` when it is a whole number in range (`-0` is 0).
    var uint64: UInt64? {
        guard let (negative, magnitude) = integerMagnitude() else { return nil }
        if negative && magnitude != 0 { return nil }
        return magnitude
    }

    var int: Int? { int64.flatMap { Int(exactly: $0) } }

    /// The nearest `Double`: ±infinity when the value is too large for a finite one (as
    /// IEEE 754 rounds it, and as `1e999` is written for infinity); nil when it is too
    /// small (a nonzero value that would read as 0), as `JSONDecoder` refuses it.
    var double: Double? {
        let utf8 = text.utf8
        // Exact fast paths (Clinger): up to 15 significant digits and a power of ten up to
        // 10^22 are both exact doubles, and one correctly rounded multiplication or
        // division of the two is the correctly rounded result.
        if let value = fastDouble(utf8) { return value }
        if let value = wordValue { return value }
        guard let value = Double(text) else { return nil }
        if value == 0 && !decimal.digits.isEmpty { return nil }
        return value
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    private func fastDouble(_ utf8: String.UTF8View) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var negative = false
        var inFraction = false
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "0") ... UInt8(ascii: "9"):
                if mantissa == 0 && byte == UInt8(ascii: "0") {
                    // A leading zero: not significant.
                } else {
                    digits += 1
                    if digits > 15 { return nil }
                    mantissa = mantissa * 10 + UInt64(byte &- UInt8(ascii: "0"))
                }
                if inFraction { fractionDigits += 1 }
            default:
                return nil  // an exponent: the general path
            }
        }
        guard fractionDigits <= 22 else { return nil }
        let value = Double(mantissa) / Self.powersOfTen[fractionDigits]
        return negative ? -value : value
    }
}
