import Foundation

/// CURVE keys on disk.
///
/// A key pair is two files, written by `lottery keys generate`:
///
/// - `NAME.key`, mode 0600, the secret file:
///   ```
///   # lottery CURVE key pair: keep this file secret (mode 0600)
///   public-key = <40 Z85 characters>
///   secret-key = <40 Z85 characters>
///   ```
/// - `NAME.pub`, the public key alone on a line (comments start with `#`), for the
///   other side: a coordinator's file or folder of authorized keys, a worker's
///   `--coordinator-key`.
///
/// A file of authorized keys has one public key per line; blank lines and lines that
/// start with `#` are ignored, and anything after the key and a space is a free comment
/// (`#` can't start a comment after a key: it is one of Z85's characters).
public enum KeyFile {
    /// Writes `NAME.key` (mode 0600) and `NAME.pub` into `folder`; their paths.
    /// Existing files are not overwritten.
    public static func write(_ pair: CurveKeyPair, folder: String, name: String) throws(KeyFileError) -> (secret: String, public: String) {
        let secretPath = folder + "/" + name + ".key"
        let publicPath = folder + "/" + name + ".pub"
        for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw KeyFileError(.exists, path: path)
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw KeyFileError(.io("\(error.localizedDescription)"), path: folder)
        }
        let secretText = """
            # lottery CURVE key pair: keep this file secret (mode 0600)
            public-key = \(pair.publicKey.z85)
            secret-key = \(pair.secretKey.z85)

            """
        // Created with mode 0600 from the start, so the secret is never readable by others.
        let descriptor = open(secretPath, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw KeyFileError(.io(String(cString: strerror(errno))), path: secretPath) }
        let bytes = Array(secretText.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else { throw KeyFileError(.io("short write"), path: secretPath) }
        let publicText = "# lottery CURVE public key \(name)\n\(pair.publicKey.z85)\n"
        guard FileManager.default.createFile(atPath: publicPath, contents: Data(publicText.utf8),
                                             attributes: [.posixPermissions: 0o644]) else {
            throw KeyFileError(.io("cannot create the file"), path: publicPath)
        }
        return (secretPath, publicPath)
    }

    /// The key pair in a secret key file. Refused when the file can be read or written
    /// by its group or others, and when its public key is not the secret key's.
    public static func readKeyPair(_ path: String) throws(KeyFileError) -> CurveKeyPair {
        var info = stat()
        guard stat(path, &info) == 0 else { throw KeyFileError(.io(String(cString: strerror(errno))), path: path) }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw KeyFileError(.loosePermissions(mode: mode), path: path) }
        let text = try contents(path)
        var fields: [String: (key: CurveKey, line: Int)] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = uncommented(raw)
            if line.isEmpty { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map {
                String($0.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
            }
            guard parts.count == 2, ["public-key", "secret-key"].contains(parts[0]) else {
                throw KeyFileError(.badLine("expected 'public-key = KEY' or 'secret-key = KEY'"), path: path, line: index + 1)
            }
            guard let key = CurveKey(z85: parts[1]) else {
                throw KeyFileError(.badLine("'\(parts[1].prefix(48))' is not a 40-character Z85 key"), path: path, line: index + 1)
            }
            fields[parts[0]] = (key, index + 1)
        }
        guard let secret = fields["secret-key"] else { throw KeyFileError(.missing("secret-key"), path: path) }
        let pair: CurveKeyPair
        do { pair = try CurveKeyPair(secretKey: secret.key) } catch {
            throw KeyFileError(.badLine("\(error)"), path: path, line: secret.line)
        }
        if let listed = fields["public-key"], listed.key != pair.publicKey {
            throw KeyFileError(.badLine("the public key is not the secret key's"), path: path, line: listed.line)
        }
        return pair
    }

    /// The public keys of a file (one a line) or of every `*.pub` file in a folder.
    public static func readPublicKeys(_ path: String) throws(KeyFileError) -> [CurveKey] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw KeyFileError(.io("no such file or folder"), path: path)
        }
        guard isFolder.boolValue else { return try publicKeys(inFile: path) }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw KeyFileError(.io(error.localizedDescription), path: path)
        }
        var keys: [CurveKey] = []
        for name in names.sorted() where name.hasSuffix(".pub") {
            keys += try publicKeys(inFile: path + "/" + name)
        }
        guard !keys.isEmpty else { throw KeyFileError(.missing("*.pub files"), path: path) }
        return keys
    }

    /// One public key given as its 40 Z85 characters, or as a file holding exactly one.
    /// A file comes first: `/`, `.` and `-` are Z85 characters, so a 40-character path
    /// (`/tmp/…/keys/coordinator.pub`) can also read as a key.
    public static func publicKey(_ keyOrPath: String) throws(KeyFileError) -> CurveKey {
        var isFolder: ObjCBool = false
        let isFile = FileManager.default.fileExists(atPath: keyOrPath, isDirectory: &isFolder) && !isFolder.boolValue
        if !isFile, let key = CurveKey(z85: keyOrPath) { return key }
        let keys = try publicKeys(inFile: keyOrPath)
        guard keys.count == 1 else { throw KeyFileError(.notOneKey(keys.count), path: keyOrPath) }
        return keys[0]
    }

    private static func publicKeys(inFile path: String) throws(KeyFileError) -> [CurveKey] {
        var keys: [CurveKey] = []
        for (index, raw) in try contents(path).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = uncommented(raw)
            guard let first = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first else { continue }
            guard let key = CurveKey(z85: String(first)) else {
                throw KeyFileError(.badLine("'\(first.prefix(48))' is not a 40-character Z85 public key"),
                                   path: path, line: index + 1)
            }
            keys.append(key)
        }
        return keys
    }

    private static func contents(_ path: String) throws(KeyFileError) -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw KeyFileError(.io("cannot be read as UTF-8 text"), path: path)
        }
    }

    /// The line without surrounding space; empty for a comment line. `#` is a Z85
    /// character, so only a line that starts with it is a comment.
    private static func uncommented(_ line: Substring) -> String {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.hasPrefix("#") ? "" : trimmed
    }
}

/// A key file that cannot be used: what is wrong, where, and what to do.
public struct KeyFileError: Error, Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        case io(String)
        case exists
        case loosePermissions(mode: mode_t)
        case badLine(String)
        case missing(String)
        case notOneKey(Int)
    }

    private let kind: Kind
    /// The file (or folder) at fault.
    public let path: String
    /// The 1-based line at fault, when it is one line.
    public let line: Int?

    init(_ kind: Kind, path: String, line: Int? = nil) {
        self.kind = kind
        self.path = path
        self.line = line
    }

    /// True when the file was refused for its permissions.
    public var isLoosePermissions: Bool {
        if case .loosePermissions = kind { return true }
        return false
    }

    public var description: String {
        let place = line.map { "\(path):\($0)" } ?? path
        switch kind {
        case .io(let text): return "\(place): \(text)"
        case .exists: return "\(place) exists already; choose another --name or folder, or remove it"
        case .loosePermissions(let mode):
            return "\(place): a secret key file must be readable by its owner only, but its mode is "
                + "\(String(mode, radix: 8)); run: chmod 600 \(path)"
        case .badLine(let text): return "\(place): \(text)"
        case .missing(let what): return "\(place): no \(what) in it"
        case .notOneKey(let count): return "\(place): expected exactly one public key, found \(count)"
        }
    }
}
