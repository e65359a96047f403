/// A strict JSON parser (RFC 8259) for header frames: UTF-8 bytes in, a `JSONValue` or
/// a `JSONParser.Failure` out, never a trap, whatever the bytes.
///
/// Strict means: one value with optional whitespace (space, tab, CR, LF) around it; no
/// comments, trailing commas, single quotes, leading zeros or `+` signs; strings of
/// valid UTF-8 with no raw control characters, escapes `\" \\ \/ \b \f \n \r \t
/// \uXXXX` only, and a `\u` surrogate only as half of a pair. Nesting deeper than
/// `Limits.maxDepth` and input longer than `Limits.maxBytes` are refused.
///
/// One extension: the bare words `NaN`, `Infinity` and `-Infinity`, spelled exactly so,
/// are numbers. They are what Python's `json.dumps` writes for non-finite floats unless
/// told not to, and a worker written in Python should not lose a diverged run's loss.
struct JSONParser {
    struct Limits: Sendable {
        /// Arrays and objects nested deeper than this are refused (Foundation's
        /// `JSONDecoder` stops at the same depth).
        var maxDepth = 512
        /// Longer input is refused before it is read.
        var maxBytes = Int.max
    }

    /// Why bytes are not JSON, and where.
    struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        var message: String
        /// Byte offset in the input.
        var offset: Int

        var description: String { "\(message) at byte \(offset)" }
    }

    static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(Failure) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw Failure(message: "\(bytes.count) bytes is more than the \(limits.maxBytes) accepted", offset: 0)
        }
        let result: Result<JSONValue, Failure> = bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, maxDepth: limits.maxDepth)
            do throws(Failure) {
                parser.skipWhitespace()
                let value = try parser.parseValue(depth: 0)
                parser.skipWhitespace()
                guard parser.index == buffer.count else { throw parser.failure("unexpected text after the JSON value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private func failure(_ message: String) -> Failure {
        Failure(message: message, offset: index)
    }

    private var atEnd: Bool { index >= bytes.count }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> JSONValue {
        guard !atEnd else { throw failure("the input ends where a value should be") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N"): try literal("NaN"); return .number(.nan)
        case UInt8(ascii: "I"): try literal("Infinity"); return .number(.infinity)
        case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I"):
            try literal("-Infinity")
            return .number(.negativeInfinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character where a value should be")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw failure("not a JSON value") }
        for offset in 0 ..< count where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("not a JSON value")
        }
        index += count
    }

    private mutating func parseNumber() throws(Failure) -> JSONNumber {
        guard let end = JSONNumber.scan(bytes, from: index) else { throw failure("not a valid number") }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[index ..< end]), as: UTF8.self)
        index = end
        return JSONNumber(validText: text)
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> [JSONValue] {
        guard depth <= maxDepth else { throw failure("arrays and objects nested deeper than \(maxDepth)") }
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if !atEnd && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard !atEnd else { throw failure("the input ends inside an array") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return elements
            default: throw failure("expected , or ] in an array")
            }
        }
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> JSONObject {
        guard depth <= maxDepth else { throw failure("arrays and objects nested deeper than \(maxDepth)") }
        index += 1  // {
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if !atEnd && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return JSONObject(members)
        }
        while true {
            skipWhitespace()
            guard !atEnd, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string key in an object") }
            let key = try parseString()
            skipWhitespace()
            guard !atEnd, bytes[index] == UInt8(ascii: ":") else { throw failure("expected : after an object key") }
            index += 1
            skipWhitespace()
            members.append(JSONObject.Member(key: key, value: try parseValue(depth: depth)))
            skipWhitespace()
            guard !atEnd else { throw failure("the input ends inside an object") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return JSONObject(members)
            default: throw failure("expected , or } in an object")
            }
        }
    }

    /// A string starting at the opening quote.
    private mutating func parseString() throws(Failure) -> String {
        let start = index + 1
        var cursor = start
        var ascii = true
        // Fast path: no escapes (nearly every string in a header).
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[start ..< cursor])
                if !ascii && !Self.isValidUTF8(content) {
                    throw failure("a string is not valid UTF-8")
                }
                index = cursor + 1
                return String(decoding: content, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 {
                index = cursor
                throw failure("a raw control character in a string (it must be escaped)")
            }
            if byte >= 0x80 { ascii = false }
            cursor += 1
        }
        guard cursor < bytes.count else {
            index = cursor
            throw failure("the input ends inside a string")
        }
        return try parseEscapedString(from: start, firstEscape: cursor)
    }

    /// The slow path of `parseString`: a string with escapes, unescaped into a buffer.
    /// `firstEscape` is where the first backslash is; everything before it is plain.
    private mutating func parseEscapedString(from start: Int, firstEscape: Int) throws(Failure) -> String {
        var cursor = firstEscape
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start ..< cursor]))
        while true {
            guard cursor < bytes.count else {
                index = cursor
                throw failure("the input ends inside a string")
            }
            let byte = bytes[cursor]
            switch byte {
            case UInt8(ascii: "\""):
                guard Self.isValidUTF8(utf8) else {
                    index = cursor
                    throw failure("a string is not valid UTF-8")
                }
                index = cursor + 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index = cursor
                try unescape(at: &cursor, into: &utf8)
            default:
                if byte < 0x20 {
                    index = cursor
                    throw failure("a raw control character in a string (it must be escaped)")
                }
                utf8.append(byte)
                cursor += 1
            }
        }
    }

    /// Appends what the escape at `cursor` (a backslash) stands for, and moves past it.
    private mutating func unescape(at cursor: inout Int, into utf8: inout [UInt8]) throws(Failure) {
        cursor += 1
        guard cursor < bytes.count else { throw failure("the input ends inside a string") }
        let escaped = bytes[cursor]
        cursor += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0c)
        case UInt8(ascii: "n"): utf8.append(0x0a)
        case UInt8(ascii: "r"): utf8.append(0x0d)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            guard let unit = hex4(at: cursor) else { throw failure("\\u needs four hexadecimal digits") }
            cursor += 4
            var scalar = UInt32(unit)
            if (0xd800 ... 0xdbff).contains(unit) {
                guard cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: "\\"),
                      bytes[cursor + 1] == UInt8(ascii: "u"), let low = hex4(at: cursor + 2),
                      (0xdc00 ... 0xdfff).contains(low) else {
                    throw failure("a \\u high surrogate without a low surrogate after it")
                }
                cursor += 6
                scalar = 0x10000 + ((UInt32(unit) - 0xd800) << 10) + (UInt32(low) - 0xdc00)
            } else if (0xdc00 ... 0xdfff).contains(unit) {
                throw failure("a \\u low surrogate without a high surrogate before it")
            }
            Self.appendUTF8(scalar, to: &utf8)
        default:
            throw failure("an unknown escape in a string")
        }
    }

    private func hex4(at position: Int) -> UInt16? {
        guard position >= 0, bytes.count - position >= 4 else { return nil }
        var value: UInt16 = 0
        for offset in 0 ..< 4 {
            let byte = bytes[position + offset]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(nibble)
        }
        return value
    }

    /// `scalar` is a Unicode scalar value (not a surrogate): the caller made sure.
    private static func appendUTF8(_ scalar: UInt32, to utf8: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            utf8.append(UInt8(scalar))
        case ..<0x800:
            utf8.append(0xc0 | UInt8(scalar >> 6))
            utf8.append(0x80 | UInt8(scalar & 0x3f))
        case ..<0x10000:
            utf8.append(0xe0 | UInt8(scalar >> 12))
            utf8.append(0x80 | UInt8(scalar >> 6 & 0x3f))
            utf8.append(0x80 | UInt8(scalar & 0x3f))
        default:
            utf8.append(0xf0 | UInt8(scalar >> 18))
            utf8.append(0x80 | UInt8(scalar >> 12 & 0x3f))
            utf8.append(0x80 | UInt8(scalar >> 6 & 0x3f))
            utf8.append(0x80 | UInt8(scalar & 0x3f))
        }
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isValidUTF8($0) }
    }

    /// Well-formed UTF-8 (Unicode 15, table 3-7): no overlong forms, no surrogates,
    /// nothing above U+10FFFF, no truncated sequences.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let end = bytes.count
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let continuations: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xbf  // the range of the second byte
            switch lead {
            case 0xc2 ... 0xdf: continuations = 1
            case 0xe0: continuations = 2; low = 0xa0
            case 0xe1 ... 0xec, 0xee, 0xef: continuations = 2
            case 0xed: continuations = 2; high = 0x9f
            case 0xf0: continuations = 3; low = 0x90
            case 0xf1 ... 0xf3: continuations = 3
            case 0xf4: continuations = 3; high = 0x8f
            default: return false
            }
            guard end - index > continuations else { return false }
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return false }
            var offset = 2
            while offset <= continuations {
                guard bytes[index + offset] & 0xc0 == 0x80 else { return false }
                offset += 1
            }
            index += continuations + 1
        }
        return true
    }
}
