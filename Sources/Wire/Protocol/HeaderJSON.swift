import Foundation

/// The JSON of header frames: UTF-8, keys sorted, `"v"` first-class, and the non-finite
/// numbers a diverged run produces written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
enum HeaderJSON {
    private static let nonFiniteEncoding = JSONEncoder.NonConformingFloatEncodingStrategy
        .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    private static let nonFiniteDecoding = JSONDecoder.NonConformingFloatDecodingStrategy
        .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")

    static func encode<Body: Encodable>(_ body: Body, type: String) throws(EncodeError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = nonFiniteEncoding
        do {
            return Array(try encoder.encode(Versioned(body: body)))
        } catch {
            throw EncodeError(type, "the header is not representable as JSON: \(error)")
        }
    }

    /// The header's `v`, read before anything else so that a peer of another version is
    /// told so rather than told its message is malformed.
    static func version(of header: [UInt8], type: String) throws(DecodeError) -> Int {
        try decode(VersionProbe.self, from: header, type: type).v
    }

    static func decode<Body: Decodable>(_ body: Body.Type, from header: [UInt8], type: String) throws(DecodeError) -> Body {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = nonFiniteDecoding
        do {
            return try decoder.decode(Body.self, from: Data(header))
        } catch let error as DecodingError {
            throw .malformedHeader(type, describe(error))
        } catch {
            throw .malformedHeader(type, "the header is not JSON: \(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "the header" : String(path.dropFirst(path.hasPrefix(".") ? 1 : 0))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent == "the header" ? "" : parent + ".")\(key.stringValue) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context)) is not of type \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)) is null, expected \(type)"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// A header body with `"v"` beside its fields, in the same JSON object.
    private struct Versioned<Body: Encodable>: Encodable {
        let body: Body

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: VersionKey.self)
            try container.encode(WireMessage.protocolVersion, forKey: .v)
            try body.encode(to: encoder)
        }
    }

    private enum VersionKey: String, CodingKey { case v }

    private struct VersionProbe: Decodable {
        let v: Int
    }
}

/// The header of a message that says nothing but its type.
struct EmptyHeader: Codable, Hashable, Sendable {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: HeaderKey.self)
    }
    private enum HeaderKey: CodingKey {}
}
