/// `ACK`, coordinator → worker: the result or failure of this attempt is durably in the
/// journal; the worker stops resending it. Its header is the `TrialAttempt`'s fields.
extension TrialAttempt: CheckedHeader {
    init(header: JSONFields) throws(DecodeError) {
        self.init(trial: try header.string("trial"), attempt: try header.int("attempt"))
    }

    func writeHeader(to writer: inout JSONWriter) {
        writer.key("attempt")
        writer.int(attempt)
        writer.key("trial")
        writer.string(trial)
        writer.version()
    }

    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.attempt(self)
    }
}
