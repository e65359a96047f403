/// The JSON of header frames: UTF-8, keys sorted, no whitespace, `"v"` in every header,
/// and the non-finite numbers a diverged run produces written as `1e999`, `-1e999` and
/// the string `"NaN"`.
///
/// Headers are read with `JSONParser` and written with `JSONWriter`, by hand per message
/// (`CheckedHeader`): Foundation's `JSONDecoder` and `JSONEncoder` cost the coordinator
/// more than everything else it does per trial. The bytes written are the ones
/// `JSONEncoder` wrote (`[.sortedKeys, .withoutEscapingSlashes]`), and what is accepted
/// is what `JSONDecoder` accepted, with the same `DecodeError` reasons, except for
/// non-finite numbers: written as above, and read also as numbers too large for a double
/// and as Python's bare `NaN`, `Infinity`, `-Infinity`. The WireTests check both against
/// Foundation, with that difference.
enum HeaderJSON {
    /// Parses a header frame: a JSON object, or `malformedHeader`.
    static func parse(_ header: [UInt8], type: String) throws(DecodeError) -> JSONFields {
        let value: JSONValue
        do {
            value = try JSONParser.parse(header)
        } catch {
            throw .malformedHeader(type, "the header is not JSON: \(error)")
        }
        return try JSONFields(header: value, type: type)
    }

    /// The header's `v`, read before anything else so that a peer of another version is
    /// told so rather than told its message is malformed.
    static func version(of header: JSONFields) throws(DecodeError) -> Int {
        try header.int("v")
    }

    /// A header object; `body` writes its members, `v` among them in its sorted place.
    static func object(_ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        body(&writer)
        writer.endObject()
        return writer.bytes
    }
}

extension JSONWriter {
    /// `"v":1`.
    mutating func version() {
        key("v")
        int(WireMessage.protocolVersion)
    }
}
