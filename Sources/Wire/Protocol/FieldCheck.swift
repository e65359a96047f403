/// Range checks on decoded header fields, each failure a `DecodeError.invalidField` that
/// names the message type and the field.
///
/// Field names are autoclosures: a `METRICS` batch checks three fields of each of up to
/// 100,000 points, and "points[\(index)].accuracy" need only be built for the one that fails.
struct FieldCheck {
    let type: String

    /// Longest id or name (trial, lease, worker, dataset…), in UTF-8 bytes.
    static let maxIdentifierBytes = 256
    /// Longest free text (an error message), in UTF-8 bytes.
    static let maxTextBytes = 16 * 1024
    /// Most entries in a header list (datasets, running leases, digests).
    static let maxListCount = 1024

    /// 1–256 bytes of UTF-8 with no control characters.
    func identifier(_ value: String, _ field: @autoclosure () -> String, allowEmpty: Bool = false) throws(DecodeError) {
        let bytes = value.utf8.count
        if bytes == 0 && !allowEmpty { throw .invalidField(type, field(), "is empty") }
        if bytes > Self.maxIdentifierBytes {
            throw .invalidField(type, field(), "is \(bytes) bytes long; at most \(Self.maxIdentifierBytes) are allowed")
        }
        // U+0000–U+001F and U+007F are single bytes in UTF-8, and those bytes occur in no
        // longer sequence: looking at bytes finds exactly the control characters.
        if value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) {
            throw .invalidField(type, field(), "contains a control character")
        }
    }

    /// At most 16 KiB of UTF-8.
    func text(_ value: String, _ field: @autoclosure () -> String) throws(DecodeError) {
        let bytes = value.utf8.count
        if bytes > Self.maxTextBytes {
            throw .invalidField(type, field(), "is \(bytes) bytes long; at most \(Self.maxTextBytes) are allowed")
        }
    }

    func range<Value: Comparable>(_ value: Value, _ range: ClosedRange<Value>, _ field: @autoclosure () -> String) throws(DecodeError) {
        if !range.contains(value) {
            throw .invalidField(type, field(), "\(value) is outside \(range.lowerBound)…\(range.upperBound)")
        }
    }

    func count(_ count: Int, _ field: @autoclosure () -> String, minimum: Int = 0,
               maximum: Int = FieldCheck.maxListCount) throws(DecodeError) {
        if count < minimum || count > maximum {
            throw .invalidField(type, field(), "has \(count) entries; \(minimum)…\(maximum) are allowed")
        }
    }

    func attempt(_ attempt: TrialAttempt, lease: String? = nil, prefix: @autoclosure () -> String = "") throws(DecodeError) {
        try identifier(attempt.trial, prefix() + "trial")
        try range(attempt.attempt, 1 ... 1_000_000, prefix() + "attempt")
        if let lease { try identifier(lease, prefix() + "lease") }
    }

    func finite(_ value: Double, _ field: @autoclosure () -> String) throws(DecodeError) {
        if !value.isFinite { throw .invalidField(type, field(), "is not a finite number") }
    }
}
