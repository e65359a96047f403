extension WireMessage {
    /// `FAILED`, worker → coordinator: an attempt failed. Resent until `ACK`ed.
    public struct TrialFailure: Hashable, Sendable, Codable {
        public var lease: String
        public var trial: String
        public var attempt: Int
        /// What went wrong, for the journal and the user (at most 16 KiB of UTF-8).
        public var error: String
        /// False when trying again can't help (the recipe can't be run as written).
        public var retryable: Bool

        public init(lease: String, trial: String, attempt: Int, error: String, retryable: Bool = true) {
            self.lease = lease
            self.trial = trial
            self.attempt = attempt
            self.error = Self.truncated(error)
            self.retryable = retryable
        }

        public var trialAttempt: TrialAttempt { TrialAttempt(trial: trial, attempt: attempt) }

        /// Cuts a long error text (a stack dump) to what the protocol carries.
        private static func truncated(_ text: String) -> String {
            guard text.utf8.count > FieldCheck.maxTextBytes else { return text }
            var cut = ""
            for character in text {
                if cut.utf8.count + character.utf8.count > FieldCheck.maxTextBytes - 3 { break }
                cut.append(character)
            }
            return cut + "…"
        }
    }
}

extension WireMessage.TrialFailure: CheckedHeader {
    init(header: JSONFields) throws(DecodeError) {
        // Not the public init: a received text is kept as it is, and checked.
        lease = try header.string("lease")
        trial = try header.string("trial")
        attempt = try header.int("attempt")
        error = try header.string("error")
        retryable = try header.bool("retryable")
    }

    func writeHeader(to writer: inout JSONWriter) {
        writer.key("attempt")
        writer.int(attempt)
        writer.key("error")
        writer.string(error)
        writer.key("lease")
        writer.string(lease)
        writer.key("retryable")
        writer.bool(retryable)
        writer.key("trial")
        writer.string(trial)
        writer.version()
    }

    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.attempt(trialAttempt, lease: lease)
        try check.text(error, "error")
    }
}
