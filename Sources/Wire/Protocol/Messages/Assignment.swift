import SweepPlan

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
    private struct Header: Codable {
        var lease: String
        var trial: String
        var attempt: Int
        var recipe: TrialRecipe
        var artifacts: [ArtifactDescriptor]
    }

    func encodeParts() -> (header: any Encodable, frames: [[UInt8]]) {
        let listed = artifacts.sorted { $0.key < $1.key }.map { role, attachment in
            switch attachment {
            case .inline(let artifact): ArtifactFrames.Entry(role: role, reference: artifact.reference, bytes: artifact.bytes)
            case .byDigest(let reference): ArtifactFrames.Entry(role: role, reference: reference, bytes: nil)
            }
        }
        let (descriptors, frames) = ArtifactFrames.encode(listed)
        return (Header(lease: lease, trial: trial, attempt: attempt, recipe: recipe, artifacts: descriptors), frames)
    }

    init(header bytes: [UInt8], frames: ArraySlice<[UInt8]>, limits: MessageLimits) throws(DecodeError) {
        let check = FieldCheck(type: "ASSIGN")
        let header = try HeaderJSON.decode(Header.self, from: bytes, type: check.type)
        try check.attempt(TrialAttempt(trial: header.trial, attempt: header.attempt), lease: header.lease)
        let artifacts = try ArtifactFrames.decode(header.artifacts, frames: frames, check: check, limits: limits,
                                                  roles: true, byDigestAllowed: true)
        var attachments: [ArtifactRole: WireMessage.Attachment] = [:]
        for (descriptor, artifact) in zip(header.artifacts, artifacts) {
            guard let role = descriptor.role, Self.roles.contains(role) else {
                throw .invalidField(check.type, "artifacts.role", "\(descriptor.role?.rawValue ?? "none") is not an input role")
            }
            guard attachments[role] == nil else { throw .invalidField(check.type, "artifacts.role", "\(role.rawValue) is listed twice") }
            attachments[role] = artifact.map { .inline($0) } ?? .byDigest(descriptor.reference)
        }
        self.init(lease: header.lease, trial: header.trial, attempt: header.attempt, recipe: header.recipe,
                  artifacts: attachments)
    }
}
