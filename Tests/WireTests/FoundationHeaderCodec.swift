import Foundation
import LotteryCore

@testable import Wire

/// The header codec as it was before the hand-written one: Foundation's `JSONEncoder` and
/// `JSONDecoder` over the messages' `Codable` forms, with the same checks. Kept here as
/// the reference the hand-written codec must match byte for byte and reason for reason.
///
/// But for non-finite numbers, which the protocol came to write as `1e999` and `-1e999`
/// (infinities) and to read in Python's bare words too: the reference writes infinities
/// so, and reads those forms as the strings `JSONDecoder` knows (`nonFiniteAsStrings`).
enum FoundationHeaderCodec {
    // MARK: Encoding

    static func header(_ message: WireMessage) throws -> [UInt8] {
        switch message {
        case .hello(let body): try encode(body)
        case .ready(let body): try encode(body)
        case .fetch(let body): try encode(body)
        case .metrics(let body): try encode(body)
        case .result(let body):
            try encode(ResultHeader(lease: body.lease, trial: body.trial, attempt: body.attempt, summary: body.summary,
                                    artifacts: descriptors(body.artifacts.sorted { $0.key < $1.key }.map {
                                        ArtifactFrames.Entry(role: $0.key, reference: $0.value.reference, bytes: $0.value.bytes)
                                    })))
        case .failed(let body): try encode(body)
        case .welcome(let body): try encode(body)
        case .assign(let body):
            try encode(AssignHeader(lease: body.lease, trial: body.trial, attempt: body.attempt, recipe: body.recipe,
                                    artifacts: descriptors(body.artifacts.sorted { $0.key < $1.key }.map { role, attachment in
                                        switch attachment {
                                        case .inline(let artifact): ArtifactFrames.Entry(role: role, reference: artifact.reference, bytes: artifact.bytes)
                                        case .byDigest(let reference): ArtifactFrames.Entry(role: role, reference: reference, bytes: nil)
                                        }
                                    })))
        case .artifacts(let body):
            try encode(DeliveryHeader(artifacts: descriptors(body.artifacts.map {
                ArtifactFrames.Entry(role: nil, reference: $0.reference, bytes: $0.bytes)
            }), missing: body.missing))
        case .ack(let body): try encode(body)
        case .cancel(let body): try encode(body)
        case .reject(let body): try encode(body)
        case .bye, .drain, .shutdown, .heartbeat: try encode(EmptyHeader())
        }
    }

    private static func descriptors(_ entries: [ArtifactFrames.Entry]) -> [Descriptor] {
        ArtifactFrames.encode(entries).descriptors.map(Descriptor.init)
    }

    private static func encode<Body: Encodable>(_ body: Body) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Stand-ins no random string can hold (`RandomMessages.string` has no `@`).
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "@+infinity@", negativeInfinity: "@-infinity@", nan: "NaN")
        let text = String(decoding: try encoder.encode(Versioned(body: body)), as: UTF8.self)
        return Array(text.replacing("\"@+infinity@\"", with: "1e999").replacing("\"@-infinity@\"", with: "-1e999").utf8)
    }

    /// The header with every number too large for a double, and every bare `NaN`,
    /// `Infinity` and `-Infinity`, turned into the string `JSONDecoder` reads as that
    /// double; unchanged when it holds none, or is not JSON.
    static func nonFiniteAsStrings(_ header: [UInt8]) -> [UInt8] {
        guard let value = try? JSONParser.parse(header), hasNonFinite(value) else { return header }
        var bytes: [UInt8] = []
        write(value, to: &bytes)
        return bytes
    }

    private static func nonFiniteText(_ number: JSONNumber) -> String? {
        guard let double = number.double, !double.isFinite else { return nil }
        return double.isNaN ? "NaN" : double < 0 ? "-Infinity" : "Infinity"
    }

    private static func hasNonFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): nonFiniteText(number) != nil
        case .array(let elements): elements.contains(where: hasNonFinite)
        case .object(let object): object.members.contains { hasNonFinite($0.value) }
        case .null, .bool, .string: false
        }
    }

    /// Compact JSON that keeps what `JSONDecoder` sees: members in order, duplicates and
    /// all, and each number's text.
    private static func write(_ value: JSONValue, to bytes: inout [UInt8]) {
        func string(_ text: String) {
            var writer = JSONWriter()
            writer.string(text)
            bytes += writer.bytes
        }
        switch value {
        case .null: bytes += Array("null".utf8)
        case .bool(let bool): bytes += Array((bool ? "true" : "false").utf8)
        case .string(let text): string(text)
        case .number(let number):
            if let text = nonFiniteText(number) { string(text) } else { bytes += Array(number.text.utf8) }
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                string(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    // MARK: Decoding

    /// What `WireMessage(frames:)` did: the message, or the reason it was dropped.
    static func decode(_ frames: [[UInt8]], limits: MessageLimits = MessageLimits()) -> Result<WireMessage, DecodeError> {
        do throws(DecodeError) {
            return .success(try decodeOrThrow(frames, limits: limits))
        } catch {
            return .failure(error)
        }
    }

    private static func decodeOrThrow(_ frames: [[UInt8]], limits: MessageLimits) throws(DecodeError) -> WireMessage {
        guard let typeFrame = frames.first else { throw .truncated(nil, "no frames") }
        guard (1 ... 16).contains(typeFrame.count),
              typeFrame.allSatisfy({ (UInt8(ascii: "A") ... UInt8(ascii: "Z")).contains($0) }) else {
            throw .badTypeFrame("bad type frame")
        }
        let type = String(decoding: typeFrame, as: UTF8.self)
        guard frames.count >= 2 else { throw .truncated(type, "no header frame") }
        guard frames.count <= limits.maxFrames else { throw .oversized(type, "frames") }
        guard frames[1].count <= limits.maxHeaderBytes else { throw .oversized(type, "header") }
        let header = nonFiniteAsStrings(frames[1])
        for frame in frames.dropFirst(2) where frame.count > limits.maxArtifactBytes { throw .oversized(type, "frame") }
        let version = try decode(VersionProbe.self, from: header, type: type).v
        guard version == WireMessage.protocolVersion || type == "REJECT" else { throw .unsupportedVersion(type, version) }
        let binary = frames[2...]
        let check = FieldCheck(type: type)

        func body<Body: CheckedHeader & Decodable>(_: Body.Type) throws(DecodeError) -> Body {
            try noFrames(binary, check)
            let body = try decode(Body.self, from: header, type: type)
            try body.validate(check)
            return body
        }

        switch type {
        case "HELLO": return .hello(try body(WireMessage.Hello.self))
        case "READY": return .ready(try body(WireMessage.Ready.self))
        case "FETCH": return .fetch(try body(WireMessage.ArtifactRequest.self))
        case "METRICS": return .metrics(try body(WireMessage.MetricBatch.self))
        case "FAILED": return .failed(try body(WireMessage.TrialFailure.self))
        case "WELCOME": return .welcome(try body(WireMessage.Welcome.self))
        case "ACK": return .ack(try body(TrialAttempt.self))
        case "CANCEL": return .cancel(try body(WireMessage.Cancellation.self))
        case "REJECT": return .reject(try body(WireMessage.Rejection.self))
        case "BYE": try noFrames(binary, check); return .bye
        case "DRAIN": try noFrames(binary, check); return .drain
        case "SHUTDOWN": try noFrames(binary, check); return .shutdown
        case "HEARTBEAT": try noFrames(binary, check); return .heartbeat
        case "RESULT":
            let decoded = try decode(ResultHeader.self, from: header, type: type)
            try check.attempt(TrialAttempt(trial: decoded.trial, attempt: decoded.attempt), lease: decoded.lease)
            try WireMessage.TrialResult.validate(decoded.summary, check)
            let descriptors = decoded.artifacts.map(\.descriptor)
            let artifacts = try ArtifactFrames.decode(descriptors, frames: binary, check: check, limits: limits,
                                                      roles: true, byDigestAllowed: false)
            var byRole: [ArtifactRole: Artifact] = [:]
            for (descriptor, artifact) in zip(descriptors, artifacts) {
                guard let role = descriptor.role, WireMessage.TrialResult.roles.contains(role), let artifact else {
                    throw .invalidField(type, "artifacts.role", "not an output role")
                }
                guard byRole[role] == nil else { throw .invalidField(type, "artifacts.role", "listed twice") }
                byRole[role] = artifact
            }
            return .result(.init(lease: decoded.lease, trial: decoded.trial, attempt: decoded.attempt,
                                 summary: decoded.summary, artifacts: byRole))
        case "ASSIGN":
            let decoded = try decode(AssignHeader.self, from: header, type: type)
            try check.attempt(TrialAttempt(trial: decoded.trial, attempt: decoded.attempt), lease: decoded.lease)
            let descriptors = decoded.artifacts.map(\.descriptor)
            let artifacts = try ArtifactFrames.decode(descriptors, frames: binary, check: check, limits: limits,
                                                      roles: true, byDigestAllowed: true)
            var attachments: [ArtifactRole: WireMessage.Attachment] = [:]
            for (descriptor, artifact) in zip(descriptors, artifacts) {
                guard let role = descriptor.role, WireMessage.Assignment.roles.contains(role) else {
                    throw .invalidField(type, "artifacts.role", "not an input role")
                }
                guard attachments[role] == nil else { throw .invalidField(type, "artifacts.role", "listed twice") }
                attachments[role] = artifact.map { .inline($0) } ?? .byDigest(descriptor.reference)
            }
            return .assign(.init(lease: decoded.lease, trial: decoded.trial, attempt: decoded.attempt,
                                 recipe: decoded.recipe, artifacts: attachments))
        case "ARTIFACT":
            let decoded = try decode(DeliveryHeader.self, from: header, type: type)
            try check.count(decoded.missing.count, "missing", maximum: ArtifactFrames.maxArtifacts)
            let artifacts = try ArtifactFrames.decode(decoded.artifacts.map(\.descriptor), frames: binary, check: check,
                                                      limits: limits, roles: false, byDigestAllowed: false)
            return .artifacts(.init(artifacts: artifacts.compactMap { $0 }, missing: decoded.missing))
        default:
            throw .unknownType(type)
        }
    }

    private static func noFrames(_ binary: ArraySlice<[UInt8]>, _ check: FieldCheck) throws(DecodeError) {
        if !binary.isEmpty { throw .frameMismatch(check.type, "binary frames where none belong") }
    }

    private static func decode<Body: Decodable>(_: Body.Type, from header: [UInt8], type: String) throws(DecodeError) -> Body {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(Body.self, from: Data(header))
        } catch {
            throw .malformedHeader(type, "\(error)")
        }
    }

    // MARK: The Codable forms

    private struct Versioned<Body: Encodable>: Encodable {
        let body: Body

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: VersionKey.self)
            try container.encode(WireMessage.protocolVersion, forKey: .v)
            try body.encode(to: encoder)
        }
    }

    private enum VersionKey: String, CodingKey { case v }

    private struct VersionProbe: Decodable {
        let v: Int
    }

    private struct EmptyHeader: Encodable {
        func encode(to encoder: any Encoder) throws {
            _ = encoder.container(keyedBy: VersionKey.self)
        }
    }

    private struct Descriptor: Codable {
        var role: ArtifactRole?
        var kind: ArtifactKind
        var sha256: SHA256Digest
        var size: Int
        var frame: Int?

        init(_ descriptor: ArtifactDescriptor) {
            role = descriptor.role
            kind = descriptor.kind
            sha256 = descriptor.sha256
            size = descriptor.size
            frame = descriptor.frame
        }

        var descriptor: ArtifactDescriptor {
            ArtifactDescriptor(role: role, reference: ArtifactReference(kind: kind, sha256: sha256, size: size), frame: frame)
        }
    }

    private struct ResultHeader: Codable {
        var lease: String
        var trial: String
        var attempt: Int
        var summary: RunSummary
        var artifacts: [Descriptor]
    }

    private struct AssignHeader: Codable {
        var lease: String
        var trial: String
        var attempt: Int
        var recipe: TrialRecipe
        var artifacts: [Descriptor]
    }

    private struct DeliveryHeader: Codable {
        var artifacts: [Descriptor]
        var missing: [SHA256Digest]
    }
}
