/// `ACK`, coordinator → worker: the result or failure of this attempt is durably in the
/// journal; the worker stops resending it. Its header is the `TrialAttempt`'s fields.
extension TrialAttempt: CheckedHeader {
    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.attempt(self)
    }
}
