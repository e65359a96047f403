/// Where a value sits in a header ("summary.layers[2]"), built only when an error names it.
struct FieldPath {
    /// The message type, for the `DecodeError`s.
    let type: String
    private let base: String
    private let index: Int?

    /// The header itself.
    init(type: String) {
        self.init(type: type, base: "", index: nil)
    }

    private init(type: String, base: String, index: Int?) {
        self.type = type
        self.base = base
        self.index = index
    }

    var text: String {
        if let index { return "\(base)[\(index)]" }
        return base.isEmpty ? "the header" : base
    }

    /// The path of `key` inside this object.
    func describing(_ key: String) -> String {
        if let index { return "\(base)[\(index)].\(key)" }
        return base.isEmpty ? key : base + "." + key
    }

    func child(_ key: String) -> FieldPath {
        FieldPath(type: type, base: describing(key), index: nil)
    }

    func element(_ index: Int) -> FieldPath {
        FieldPath(type: type, base: self.index == nil ? base : text, index: index)
    }

    func malformed(_ detail: String) -> DecodeError {
        .malformedHeader(type, detail)
    }
}

/// Reading JSON values as the types of a header: each mismatch a
/// `DecodeError.malformedHeader` that says where and what (as `JSONDecoder`'s errors
/// did: "points[3].loss is not of type Double"). Range checks come after, in `FieldCheck`.
enum JSONRead {
    static func string(_ value: JSONValue, _ path: FieldPath, _ at: @autoclosure () -> String) throws(DecodeError) -> String {
        guard case .string(let string) = value else { throw mismatch(value, "String", path, at()) }
        return string
    }

    static func int(_ value: JSONValue, _ path: FieldPath, _ at: @autoclosure () -> String) throws(DecodeError) -> Int {
        guard case .number(let number) = value else { throw mismatch(value, "Int", path, at()) }
        guard let int = number.int else { throw path.malformed("\(at()): the number \(number) is not an Int") }
        return int
    }

    static func uint64(_ value: JSONValue, _ path: FieldPath, _ at: @autoclosure () -> String) throws(DecodeError) -> UInt64 {
        guard case .number(let number) = value else { throw mismatch(value, "UInt64", path, at()) }
        guard let uint = number.uint64 else { throw path.malformed("\(at()): the number \(number) is not a UInt64") }
        return uint
    }

    /// A *number\**: a JSON number, or one of the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
    static func double(_ value: JSONValue, _ path: FieldPath, _ at: @autoclosure () -> String) throws(DecodeError) -> Double {
        switch value {
        case .number(let number):
            guard let double = number.double else { throw path.malformed("\(at()): the number \(number) does not fit in a Double") }
            return double
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: throw mismatch(value, "Double", path, at())
        }
    }

    static func bool(_ value: JSONValue, _ path: FieldPath, _ at: @autoclosure () -> String) throws(DecodeError) -> Bool {
        guard case .bool(let bool) = value else { throw mismatch(value, "Bool", path, at()) }
        return bool
    }

    static func array(_ value: JSONValue, _ path: FieldPath, _ at: @autoclosure () -> String) throws(DecodeError) -> [JSONValue] {
        guard case .array(let array) = value else { throw mismatch(value, "an array", path, at()) }
        return array
    }

    static func object(_ value: JSONValue, _ path: FieldPath) throws(DecodeError) -> JSONFields {
        guard case .object(let object) = value else { throw mismatch(value, "an object", path, path.text) }
        return JSONFields(object: object, path: path)
    }

    /// A string that must be one of an enumeration's raw values.
    static func enumeration<Value: RawRepresentable>(_ value: JSONValue, _ path: FieldPath,
                                                     _ at: @autoclosure () -> String) throws(DecodeError) -> Value
        where Value.RawValue == String {
        let string = try Self.string(value, path, at())
        guard let result = Value(rawValue: string) else {
            throw path.malformed("\(at()): \"\(string)\" is not a valid \(Value.self)")
        }
        return result
    }

    static func digest(_ value: JSONValue, _ path: FieldPath, _ at: @autoclosure () -> String) throws(DecodeError) -> SHA256Digest {
        let string = try Self.string(value, path, at())
        guard let digest = SHA256Digest(hex: string) else { throw path.malformed("\(at()): \"\(Self.excerpt(string))\" is not 64 hex digits") }
        return digest
    }

    /// A string as an error message quotes it: at most 80 characters of it.
    static func excerpt(_ string: String) -> String {
        string.count > 80 ? "\(string.prefix(80))…" : string
    }

    static func mismatch(_ value: JSONValue, _ expected: String, _ path: FieldPath, _ at: String) -> DecodeError {
        if case .null = value { return path.malformed("\(at) is null, expected \(expected)") }
        return path.malformed("\(at) is \(value.kindDescription), not of type \(expected)")
    }
}

/// A JSON object of a header being read field by field.
struct JSONFields {
    let object: JSONObject
    let path: FieldPath

    /// The header's top level, which must be an object.
    init(header value: JSONValue, type: String) throws(DecodeError) {
        self = try JSONRead.object(value, FieldPath(type: type))
    }

    init(object: JSONObject, path: FieldPath) {
        self.object = object
        self.path = path
    }

    /// A required member; missing or null is an error, as `JSONDecoder` had it.
    func value(_ key: String, _ expected: @autoclosure () -> String) throws(DecodeError) -> JSONValue {
        guard let value = object[key] else { throw path.malformed("\(path.describing(key)) is missing") }
        if case .null = value { throw path.malformed("\(path.describing(key)) is null, expected \(expected())") }
        return value
    }

    /// An optional member: nil when absent or null.
    func optionalValue(_ key: String) -> JSONValue? {
        guard let value = object[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    func string(_ key: String) throws(DecodeError) -> String {
        try JSONRead.string(try value(key, "String"), path, path.describing(key))
    }

    func int(_ key: String) throws(DecodeError) -> Int {
        try JSONRead.int(try value(key, "Int"), path, path.describing(key))
    }

    func optionalInt(_ key: String) throws(DecodeError) -> Int? {
        guard let value = optionalValue(key) else { return nil }
        return try JSONRead.int(value, path, path.describing(key))
    }

    func optionalString(_ key: String) throws(DecodeError) -> String? {
        guard let value = optionalValue(key) else { return nil }
        return try JSONRead.string(value, path, path.describing(key))
    }

    func uint64(_ key: String) throws(DecodeError) -> UInt64 {
        try JSONRead.uint64(try value(key, "UInt64"), path, path.describing(key))
    }

    func double(_ key: String) throws(DecodeError) -> Double {
        try JSONRead.double(try value(key, "Double"), path, path.describing(key))
    }

    func optionalDouble(_ key: String) throws(DecodeError) -> Double? {
        guard let value = optionalValue(key) else { return nil }
        return try JSONRead.double(value, path, path.describing(key))
    }

    func bool(_ key: String) throws(DecodeError) -> Bool {
        try JSONRead.bool(try value(key, "Bool"), path, path.describing(key))
    }

    func enumeration<Value: RawRepresentable>(_ key: String) throws(DecodeError) -> Value where Value.RawValue == String {
        try JSONRead.enumeration(try value(key, "\(Value.self)"), path, path.describing(key))
    }

    /// An optional enumeration member: nil when absent or null, an error when not one of its raw values.
    func optionalEnumeration<Value: RawRepresentable>(_ key: String) throws(DecodeError) -> Value?
        where Value.RawValue == String {
        guard let value = optionalValue(key) else { return nil }
        return try JSONRead.enumeration(value, path, path.describing(key))
    }

    func fields(_ key: String) throws(DecodeError) -> JSONFields {
        try JSONRead.object(try value(key, "an object"), path.child(key))
    }

    /// An optional object member: nil when absent or null.
    func optionalFields(_ key: String) throws(DecodeError) -> JSONFields? {
        guard let value = optionalValue(key) else { return nil }
        return try JSONRead.object(value, path.child(key))
    }

    /// The elements of an array member, each with its path.
    func array(_ key: String) throws(DecodeError) -> (elements: [JSONValue], path: FieldPath) {
        let elements = try JSONRead.array(try value(key, "an array"), path, path.describing(key))
        return (elements, path.child(key))
    }

    /// An enum with associated values as Swift's synthesized `Codable` writes it: an
    /// object with exactly one key among `cases` (others are ignored), whose value is an
    /// object holding the case's fields.
    func oneOf(_ cases: [String]) throws(DecodeError) -> (name: String, fields: JSONFields) {
        var found: String? = nil
        for name in cases where object[name] != nil {
            guard found == nil else { throw path.malformed("\(path.text): more than one of \(cases.joined(separator: ", "))") }
            found = name
        }
        guard let found else { throw path.malformed("\(path.text): none of \(cases.joined(separator: ", ")) is present") }
        return (found, try fields(found))
    }
}
