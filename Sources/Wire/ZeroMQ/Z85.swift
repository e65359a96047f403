/// ZeroMQ's Base85 text encoding (RFC 32/Z85) of byte strings whose length is a multiple
/// of 4: how CURVE keys are written as text.
enum Z85 {
    static let alphabet: [UInt8] = Array(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    private static let values: [UInt8: UInt32] = {
        var values: [UInt8: UInt32] = [:]
        for (index, character) in alphabet.enumerated() { values[character] = UInt32(index) }
        return values
    }()

    static func encode(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 4 == 0 else { return nil }
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count / 4 * 5)
        for start in stride(from: 0, to: bytes.count, by: 4) {
            var value = bytes[start ..< start + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            var chunk = [UInt8](repeating: 0, count: 5)
            for index in (0 ..< 5).reversed() {
                chunk[index] = alphabet[Int(value % 85)]
                value /= 85
            }
            text += chunk
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 5 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 5 * 4)
        for start in stride(from: 0, to: characters.count, by: 5) {
            var value: UInt64 = 0
            for character in characters[start ..< start + 5] {
                guard let digit = values[character] else { return nil }
                value = value * 85 + UInt64(digit)
            }
            guard value <= UInt64(UInt32.max) else { return nil }
            bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        }
        return bytes
    }
}
