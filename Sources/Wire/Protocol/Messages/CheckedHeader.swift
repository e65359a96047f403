/// A header-only message body: it reads and writes its own JSON (see `HeaderJSON`), and
/// knows its own ranges.
protocol CheckedHeader: Sendable {
    /// Reads the fields; a field missing or of the wrong type is `malformedHeader`.
    init(header: JSONFields) throws(DecodeError)
    /// Checks the ranges; a value out of range is `invalidField`.
    func validate(_ check: FieldCheck) throws(DecodeError)
    /// Writes the header's members, `"v"` included, keys sorted.
    func writeHeader(to writer: inout JSONWriter)
}
