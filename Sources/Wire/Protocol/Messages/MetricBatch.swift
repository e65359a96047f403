import LotteryCore

extension WireMessage {
    /// `METRICS`, worker → coordinator: evaluations of a running trial, several at a time
    /// (never one round trip per point). Not acknowledged; sent again after a WELCOME and
    /// before a resent RESULT, so that the coordinator holds the whole curve (docs/PROTOCOL.md 6.3).
    public struct MetricBatch: Hashable, Sendable, Codable {
        public var lease: String
        public var trial: String
        public var attempt: Int
        public var points: [Evaluation]

        public init(lease: String, trial: String, attempt: Int, points: [Evaluation]) {
            self.lease = lease
            self.trial = trial
            self.attempt = attempt
            self.points = points
        }

        public var trialAttempt: TrialAttempt { TrialAttempt(trial: trial, attempt: attempt) }
    }
}

extension WireMessage.MetricBatch: CheckedHeader {
    init(header: JSONFields) throws(DecodeError) {
        lease = try header.string("lease")
        trial = try header.string("trial")
        attempt = try header.int("attempt")
        let (elements, path) = try header.array("points")
        points = []
        points.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            points.append(try Evaluation(json: element, path.element(index)))
        }
    }

    func writeHeader(to writer: inout JSONWriter) {
        writer.key("attempt")
        writer.int(attempt)
        writer.key("lease")
        writer.string(lease)
        writer.key("points")
        writer.beginArray()
        for point in points { point.write(to: &writer) }
        writer.endArray()
        writer.key("trial")
        writer.string(trial)
        writer.version()
    }

    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.attempt(trialAttempt, lease: lease)
        try check.count(points.count, "points", minimum: 1, maximum: 100_000)
        for (index, point) in points.enumerated() {
            try check.range(point.iteration, 0 ... Int.max, "points[\(index)].iteration")
            try check.finite(point.accuracy, "points[\(index)].accuracy")
            try check.range(point.accuracy, 0 ... 1, "points[\(index)].accuracy")
        }
    }
}
