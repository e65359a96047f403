extension WireMessage {
    /// `REJECT`, coordinator → worker: it will not work with this worker as it is.
    ///
    /// Its header keeps the same fields in every protocol version, and a decoder reads
    /// it whatever its `v`, so that a worker of any version understands why it was turned away.
    public struct Rejection: Hashable, Sendable, Codable {
        public var reason: RejectReason
        /// Details for the worker's log, such as which dataset differs.
        public var detail: String
        /// The protocol versions the coordinator speaks.
        public var versions: [Int]

        public init(reason: RejectReason, detail: String, versions: [Int] = [WireMessage.protocolVersion]) {
            self.reason = reason
            self.detail = detail
            self.versions = versions
        }
    }
}

extension WireMessage.Rejection: CheckedHeader {
    init(header: JSONFields) throws(DecodeError) {
        reason = RejectReason(rawValue: try header.string("reason"))
        detail = try header.string("detail")
        let (elements, path) = try header.array("versions")
        versions = []
        versions.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            versions.append(try JSONRead.int(element, path, path.element(index).text))
        }
    }

    func writeHeader(to writer: inout JSONWriter) {
        writer.key("detail")
        writer.string(detail)
        writer.key("reason")
        writer.string(reason.rawValue)
        writer.version()
        writer.key("versions")
        writer.beginArray()
        for version in versions { writer.int(version) }
        writer.endArray()
    }

    func validate(_ check: FieldCheck) throws(DecodeError) {
        try check.identifier(reason.rawValue, "reason")
        try check.text(detail, "detail")
        try check.count(versions.count, "versions", maximum: 64)
    }
}

/// Why a coordinator turned a worker away. New reasons may appear within a version; a
/// worker treats reasons it does not know as fatal.
public struct RejectReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The worker speaks a protocol version the coordinator does not (see `versions`). Fatal.
    public static let version = RejectReason(rawValue: "version")
    /// The coordinator does not know this worker (it restarted, or declared the worker
    /// dead): the worker says `HELLO` again and resends its unacknowledged results.
    public static let unknownWorker = RejectReason(rawValue: "unknown-worker")
    /// The worker lacks a dataset the sweep uses. Fatal.
    public static let unknownDataset = RejectReason(rawValue: "unknown-dataset")
    /// The worker's copy of a dataset has another fingerprint than the sweep's. Fatal.
    public static let datasetDiffers = RejectReason(rawValue: "dataset-differs")
    /// The worker's `HELLO` could not be decoded (`detail` says what was wrong): sending
    /// it again cannot help. Fatal. Added within version 1; a worker from before it
    /// treats it, as any reason it does not know, as fatal.
    public static let malformedHello = RejectReason(rawValue: "malformed-hello")

    /// True unless the worker can recover by saying `HELLO` again.
    public var isFatal: Bool { self != .unknownWorker }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
