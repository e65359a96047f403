/// Writes header JSON byte for byte as Foundation's `JSONEncoder` did with
/// `[.sortedKeys, .withoutEscapingSlashes]`, so that the wire format does not change
/// (docs/PROTOCOL.md; `recipeJSONIsPinned`), but for infinities (below).
///
/// - No whitespace. The caller writes an object's keys in sorted order (UTF-8 byte
///   order; `sortedMembers` does it for keys known only at run time); a debug build
///   traps on a key out of order.
/// - Strings: `"` and `\` escaped, `\b \f \n \r \t`, other bytes below 0x20 as
///   `\u00xx` (lowercase hex); `/`, DEL and everything else as they are.
/// - Integers in decimal; a `Double` as its shortest round-trip text (Swift's
///   `description`) without a trailing `.0`; ±infinity as `1e999` and `-1e999`, numbers
///   too large for a double that every JSON reader (Python's, JavaScript's, this one)
///   reads as ±infinity, where a string `"Infinity"` is read as a string; and NaN, which
///   no JSON number is, as the string `"NaN"`.
/// - A separating comma goes before a key or an element unless it opens its container,
///   so that callers need not count.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    #if DEBUG
    /// The last key written in each open object, innermost last: what `checkOrder` compares with.
    private var lastKeys: [[UInt8]?] = []
    #endif

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    private mutating func separate() {
        if let last = bytes.last, last != UInt8(ascii: "{"), last != UInt8(ascii: "["), last != UInt8(ascii: ":") {
            bytes.append(UInt8(ascii: ","))
        }
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        #if DEBUG
        lastKeys.append(nil)
        #endif
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        #if DEBUG
        lastKeys.removeLast()
        #endif
    }

    /// Keys in UTF-8 byte order, as `JSONEncoder`'s `.sortedKeys` wrote them: the wire
    /// format depends on it, and only the caller knows the keys.
    private mutating func checkOrder<Key: Collection<UInt8>>(_ key: Key) {
        #if DEBUG
        guard let open = lastKeys.indices.last else { return }
        if let previous = lastKeys[open] {
            precondition(previous.lexicographicallyPrecedes(key),
                         "JSON key \(String(decoding: Array(key), as: UTF8.self)) written after "
                            + "\(String(decoding: previous, as: UTF8.self)): keys must be in sorted order")
        }
        lastKeys[open] = Array(key)
        #endif
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
    }

    /// `"key":`, for a key that needs no escaping (the protocol's own field names).
    mutating func key(_ key: StaticString) {
        checkOrder(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// `"key":` for any key.
    mutating func key(_ key: String) {
        checkOrder(key.utf8)
        separate()
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ value: String) {
        separate()
        writeString(value)
    }

    mutating func int(_ value: Int) {
        separate()
        if value >= 0 {
            writeDigits(UInt64(value))
        } else {
            bytes.append(UInt8(ascii: "-"))
            writeDigits(value.magnitude.toUInt64)
        }
    }

    mutating func uint64(_ value: UInt64) {
        separate()
        writeDigits(value)
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    /// A number that may be NaN or infinite (*number\** in docs/PROTOCOL.md).
    mutating func double(_ value: Double) {
        if value.isNaN { return string("NaN") }
        separate()
        if value.isInfinite {
            bytes.append(contentsOf: value < 0 ? Self.negativeInfinityBytes : Self.infinityBytes)
            return
        }
        if value == value.rounded(.towardZero), value.magnitude < 1e15, let integer = Int64(exactly: value),
           !(integer == 0 && value.sign == .minus) {
            // What `description` gives, faster: 12.0 → "12.0" → "12".
            if integer < 0 { bytes.append(UInt8(ascii: "-")) }
            writeDigits(integer.magnitude)
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Members of a dictionary in the order `JSONEncoder` wrote them: by the keys' UTF-8 bytes.
    static func sortedMembers<Value>(_ dictionary: [String: Value]) -> [(key: String, value: Value)] {
        dictionary.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    private static let infinityBytes = Array("1e999".utf8)
    private static let negativeInfinityBytes = Array("-1e999".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func writeDigits(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\\"))
            case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
            case 0x0c: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
            case 0x0a: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0d: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0x00 ..< 0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0x0f)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

private extension UInt {
    var toUInt64: UInt64 { UInt64(self) }
}
