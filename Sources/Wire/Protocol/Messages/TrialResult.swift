import LotteryCore

extension WireMessage {
    /// `RESULT`, worker → coordinator: an attempt finished, with what it found and the
    /// artifacts it made. Resent until `ACK`ed; the coordinator counts one result per
    /// (trial, attempt), however often it arrives.
    public struct TrialResult: Hashable, Sendable {
        public var lease: String
        public var trial: String
        public var attempt: Int
        public var summary: RunSummary
        /// `mask`, `finalWeights`, and `rewindWeights` when the recipe keeps them.
        public var artifacts: [ArtifactRole: Artifact]
        /// How many distinct metric points (iteration, split) the attempt streamed: the
        /// coordinator acknowledges the result only once it holds them all. Nil from a
        /// worker that does not say (its curve is taken as it arrived).
        public var points: Int?

        public init(lease: String, trial: String, attempt: Int, summary: RunSummary,
                    artifacts: [ArtifactRole: Artifact] = [:], points: Int? = nil) {
            self.lease = lease
            self.trial = trial
            self.attempt = attempt
            self.summary = summary
            self.artifacts = artifacts
            self.points = points
        }

        public var trialAttempt: TrialAttempt { TrialAttempt(trial: trial, attempt: attempt) }

        /// The roles a `RESULT` may carry.
        public static let roles: Set<ArtifactRole> = [.mask, .finalWeights, .rewindWeights]
    }
}

extension WireMessage.TrialResult {
    func encodeParts() -> (header: [UInt8], frames: [[UInt8]]) {
        let listed = artifacts.sorted { $0.key < $1.key }.map { role, artifact in
            ArtifactFrames.Entry(role: role, reference: artifact.reference, bytes: artifact.bytes)
        }
        let (descriptors, frames) = ArtifactFrames.encode(listed)
        let header = HeaderJSON.object { writer in
            ArtifactDescriptor.write(descriptors, to: &writer)
            writer.key("attempt")
            writer.int(attempt)
            writer.key("lease")
            writer.string(lease)
            if let points {
                writer.key("points")
                writer.int(points)
            }
            writer.key("summary")
            summary.write(to: &writer)
            writer.key("trial")
            writer.string(trial)
            writer.version()
        }
        return (header, frames)
    }

    init(header: JSONFields, frames: ArraySlice<[UInt8]>, limits: MessageLimits) throws(DecodeError) {
        let check = FieldCheck(type: MessageType.result.rawValue)
        let lease = try header.string("lease")
        let trial = try header.string("trial")
        let attempt = try header.int("attempt")
        let points = try header.optionalInt("points")
        let summary = try RunSummary(json: try header.fields("summary"))
        let descriptors = try ArtifactDescriptor.list(header)
        try check.attempt(TrialAttempt(trial: trial, attempt: attempt), lease: lease)
        try Self.validate(summary, check)
        if let points { try check.range(points, 0 ... Int.max, "points") }
        let artifacts = try ArtifactFrames.decode(descriptors, frames: frames, check: check, limits: limits,
                                                  roles: true, byDigestAllowed: false)
        var byRole: [ArtifactRole: Artifact] = [:]
        for (descriptor, artifact) in zip(descriptors, artifacts) {
            guard let role = descriptor.role, Self.roles.contains(role), let artifact else {
                throw .invalidField(check.type, "artifacts.role", "\(descriptor.role?.rawValue ?? "none") is not an output role")
            }
            guard byRole[role] == nil else { throw .invalidField(check.type, "artifacts.role", "\(role.rawValue) is listed twice") }
            byRole[role] = artifact
        }
        self.init(lease: lease, trial: trial, attempt: attempt, summary: summary, artifacts: byRole, points: points)
    }

    static func validate(_ summary: RunSummary, _ check: FieldCheck) throws(DecodeError) {
        try check.range(summary.iterations, 0 ... Int.max, "summary.iterations")
        try check.range(summary.earlyStopIteration, 0 ... Int.max, "summary.earlyStopIteration")
        for (field, accuracy) in [("earlyStopTestAccuracy", summary.earlyStopTestAccuracy),
                                  ("finalValidationAccuracy", summary.finalValidationAccuracy),
                                  ("finalTestAccuracy", summary.finalTestAccuracy)] {
            try check.finite(accuracy, "summary." + field)
            try check.range(accuracy, 0 ... 1, "summary." + field)
        }
        // NaN when not measured (a worker from before training accuracy was).
        for (field, accuracy) in [("earlyStopTrainAccuracy", summary.earlyStopTrainAccuracy),
                                  ("finalTrainAccuracy", summary.finalTrainAccuracy)] where !accuracy.isNaN {
            try check.range(accuracy, 0 ... 1, "summary." + field)
        }
        try check.finite(summary.seconds, "summary.seconds")
        try check.range(summary.seconds, 0 ... .greatestFiniteMagnitude, "summary.seconds")
        try check.count(summary.layers.count, "summary.layers")
        for (index, layer) in summary.layers.enumerated() {
            try check.identifier(layer.name, "summary.layers[\(index)].name")
            try check.range(layer.total, 0 ... Int.max, "summary.layers[\(index)].total")
            try check.range(layer.remaining, 0 ... layer.total, "summary.layers[\(index)].remaining")
        }
    }
}
