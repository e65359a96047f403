/// A header-only message body: its JSON is the header, and it knows its own ranges.
protocol CheckedHeader: Codable, Sendable {
    func validate(_ check: FieldCheck) throws(DecodeError)
}
