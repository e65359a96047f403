import LotteryCore

extension WireMessage {
    /// `ASSIGN`, coordinator → worker: run this attempt of this trial under this lease.
    public struct Assignment: Hashable, Sendable {
        /// Names the lease in everything the worker sends about this attempt.
        public var lease: String
        public var trial: String
        public var attempt: Int
        public var recipe: TrialRecipe
        /// What the recipe needs from earlier trials (`parentMask`, `parentWeights`,
        /// `rewindWeights`), each carried along or named by digest.
        public var artifacts: [ArtifactRole: Attachment]

        public init(lease: String, trial: String, attempt: Int, recipe: TrialRecipe,
                    artifacts: [ArtifactRole: Attachment] = [:]) {
            self.lease = lease
            self.trial = trial
            self.attempt = attempt
            self.recipe = recipe
            self.artifacts = artifacts
        }

        public var trialAttempt: TrialAttempt { TrialAttempt(trial: trial, attempt: attempt) }

        /// The roles an `ASSIGN` may carry.
        public static let roles: Set<ArtifactRole> = [.parentMask, .parentWeights, .rewindWeights]
    }

    /// An artifact in an `ASSIGN`: its bytes, or only its name for a worker that may
    /// have it cached (and otherwise sends `FETCH`).
    public enum Attachment: Hashable, Sendable {
        case inline(Artifact)
        case byDigest(ArtifactReference)

        public var reference: ArtifactReference {
            switch self {
            case .inline(let artifact): artifact.reference
            case .byDigest(let reference): reference
            }
        }
    }
}

extension WireMessage.Assignment {
    func encodeParts() -> (header: [UInt8], frames: [[UInt8]]) {
        let listed = artifacts.sorted { $0.key < $1.key }.map { role, attachment in
            switch attachment {
            case .inline(let artifact): ArtifactFrames.Entry(role: role, reference: artifact.reference, bytes: artifact.bytes)
            case .byDigest(let reference): ArtifactFrames.Entry(role: role, reference: reference, bytes: nil)
            }
        }
        let (descriptors, frames) = ArtifactFrames.encode(listed)
        let header = HeaderJSON.object { writer in
            ArtifactDescriptor.write(descriptors, to: &writer)
            writer.key("attempt")
            writer.int(attempt)
            writer.key("lease")
            writer.string(lease)
            writer.key("recipe")
            recipe.write(to: &writer)
            writer.key("trial")
            writer.string(trial)
            writer.version()
        }
        return (header, frames)
    }

    init(header: JSONFields, frames: ArraySlice<[UInt8]>, limits: MessageLimits) throws(DecodeError) {
        let check = FieldCheck(type: MessageType.assign.rawValue)
        let lease = try header.string("lease")
        let trial = try header.string("trial")
        let attempt = try header.int("attempt")
        let recipe = try TrialRecipe(json: try header.fields("recipe"))
        let descriptors = try ArtifactDescriptor.list(header)
        try check.attempt(TrialAttempt(trial: trial, attempt: attempt), lease: lease)
        let artifacts = try ArtifactFrames.decode(descriptors, frames: frames, check: check, limits: limits,
                                                  roles: true, byDigestAllowed: true)
        var attachments: [ArtifactRole: WireMessage.Attachment] = [:]
        for (descriptor, artifact) in zip(descriptors, artifacts) {
            guard let role = descriptor.role, Self.roles.contains(role) else {
                throw .invalidField(check.type, "artifacts.role", "\(descriptor.role?.rawValue ?? "none") is not an input role")
            }
            guard attachments[role] == nil else { throw .invalidField(check.type, "artifacts.role", "\(role.rawValue) is listed twice") }
            attachments[role] = artifact.map { .inline($0) } ?? .byDigest(descriptor.reference)
        }
        self.init(lease: lease, trial: trial, attempt: attempt, recipe: recipe, artifacts: attachments)
    }
}
