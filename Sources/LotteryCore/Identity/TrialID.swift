/// The identity of a trial: the first 16 hexadecimal digits (64 bits) of the SHA-256 of its
/// canonical form (`TrialRecipe.canonicalForm(parent:)`), which covers the trial's resolved
/// parameters and its parent's id.
///
/// The same sweep file always yields the same ids, so a journal can tell which trials have
/// already run; two configs that agree on a trial and everything before it share its id,
/// so the trial runs once.
public struct TrialID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// 16 lowercase hexadecimal digits.
    public let rawValue: String

    /// Accepts 16 hexadecimal digits (either case); nil for anything else.
    public init?(_ text: String) {
        // Byte by byte: the coordinator checks an id in every message from a worker.
        var uppercase = false
        guard text.utf8.count == 16 else { return nil }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"), UInt8(ascii: "a") ... UInt8(ascii: "f"): continue
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): uppercase = true
            default: return nil
            }
        }
        rawValue = uppercase ? text.lowercased() : text
    }

    /// The id whose canonical form is `form`.
    public init(canonicalForm form: CanonicalForm) {
        rawValue = String(SHA256.hexDigest(of: form.text).prefix(16))
    }

    /// The id of a trial that runs `recipe` on its parent's artifacts.
    public init(recipe: TrialRecipe, parent: TrialID?) {
        self.init(canonicalForm: recipe.canonicalForm(parent: parent))
    }

    public var description: String { rawValue }

    public static func < (lhs: TrialID, rhs: TrialID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let id = TrialID(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a trial id: \(text)")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
