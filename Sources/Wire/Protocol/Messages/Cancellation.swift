extension WireMessage {
    /// `CANCEL`, coordinator → worker: stop this attempt, its lease is void (it lapsed and
    /// went to another worker, the trial is finished, or the sweep has no such trial). The
    /// worker sends nothing more for it and forgets a result or failure of it not yet `ACK`ed:
    /// the coordinator would never count it.
    public struct Cancellation: Hashable, Sendable, Codable {
        public var lease: String
        public var trial: String
        public var attempt: Int
        /// Why, for the worker's log.
        public var reason: String

        public init(lease: String, trial: String, attempt: Int, reason: String) {
            self.lease = lease
            self.trial = trial
            self.attempt = attempt
            self.reason = reason
        }

        public var trialAttempt: TrialAttempt { TrialAttempt(trial: trial, attempt: attempt) }
    }
}

extension WireMessage.Cancellation: CheckedHeader {
    init(header: JSONFields) throws(DecodeError) {
        self.init(lease: try header.string("lease"), trial: try header.string("trial"),
                  attempt: try header.int("attempt"), reason: try header.string("reason"))
    }

    func writeHeader(to writer: inout JSONWriter) {
        writer.key("attempt")
        writer.int(attempt)
        writer.key("lease")
        writer.string(lease)
        writer.key("reason")
        writer.string(reason)
        writer.key("trial")
        writer.string(trial)
        writer.version()
    }

    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.attempt(trialAttempt, lease: lease)
        try check.text(reason, "reason")
    }
}
