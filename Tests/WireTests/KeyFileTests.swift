import Foundation
import Testing
import Wire

@Suite struct KeyFileTests {
    private func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "lottery-keys-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func aWrittenKeyPairReadsBackAndItsSecretFileIsOwnerOnly() throws {
        let folder = try temporaryFolder()
        let pair = try CurveKeyPair.generate()
        let paths = try KeyFile.write(pair, folder: folder, name: "node-1")
        #expect(paths.secret == folder + "/node-1.key")
        #expect(try mode(paths.secret) == 0o600)
        #expect(try KeyFile.readKeyPair(paths.secret) == pair)
        #expect(try KeyFile.publicKey(paths.public) == pair.publicKey)
        #expect(try KeyFile.publicKey(pair.publicKey.z85) == pair.publicKey)
        #expect(try KeyFile.readPublicKeys(folder) == [pair.publicKey])
        let secretText = try String(contentsOfFile: paths.secret, encoding: .utf8)
        #expect(secretText.contains("secret-key = \(pair.secretKey.z85)"))
        #expect(!(try String(contentsOfFile: paths.public, encoding: .utf8)).contains(pair.secretKey.z85))
        // A second pair of the same name does not overwrite the first.
        #expect(throws: KeyFileError.self) { try KeyFile.write(try CurveKeyPair.generate(), folder: folder, name: "node-1") }
    }

    @Test func aPublicKeyFileWhosePathIsFortyCharactersIsReadAsAFile() throws {
        // `/`, `.` and `-` are Z85 characters: a 40-character path can decode as a key.
        let folder = try temporaryFolder()
        let pair = try CurveKeyPair.generate()
        let written = try KeyFile.write(pair, folder: folder, name: "k")
        let base = "/tmp/lottery-k40-"
        let name = "/k.pub"
        let middle = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(40 - base.count - name.count))
        let link = base + middle + name
        try #require(link.count == 40 && CurveKey(z85: link) != nil)
        try FileManager.default.createDirectory(atPath: base + middle, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base + middle) }
        try FileManager.default.copyItem(atPath: written.public, toPath: link)
        #expect(try KeyFile.publicKey(link) == pair.publicKey)
    }

    @Test(arguments: [0o640, 0o604, 0o644, 0o660])
    func aSecretFileOthersCanReadIsRefusedWithTheFix(permissions: Int) throws {
        let folder = try temporaryFolder()
        let paths = try KeyFile.write(try CurveKeyPair.generate(), folder: folder, name: "loose")
        chmod(paths.secret, mode_t(permissions))
        let error = try #require(throws: KeyFileError.self) { try KeyFile.readKeyPair(paths.secret) }
        #expect(error.isLoosePermissions)
        #expect(error.description.contains("chmod 600 \(paths.secret)"))
    }

    @Test func aSecretFileWhosePublicKeyIsAnotherPairsIsRefused() throws {
        let folder = try temporaryFolder()
        let path = folder + "/mixed.key"
        let (one, other) = (try CurveKeyPair.generate(), try CurveKeyPair.generate())
        #expect(FileManager.default.createFile(atPath: path, contents: Data("""
            public-key = \(other.publicKey.z85)
            secret-key = \(one.secretKey.z85)
            """.utf8), attributes: [.posixPermissions: 0o600]))
        let error = try #require(throws: KeyFileError.self) { try KeyFile.readKeyPair(path) }
        #expect(error.line == 1)
    }

    @Test func authorizedKeysAllowCommentsAndABadEntryIsNamedByLine() throws {
        let folder = try temporaryFolder()
        let keys = try (0..<3).map { _ in try CurveKeyPair.generate().publicKey }
        let path = folder + "/authorized"
        try """
            # workers of the lab
            \(keys[0].z85)

            \(keys[1].z85) node-2, the GPU box
              \(keys[2].z85)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try KeyFile.readPublicKeys(path) == keys)

        try "# ok\n\(keys[0].z85)\n\(keys[1].z85.dropLast())\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: KeyFileError.self) { try KeyFile.readPublicKeys(path) }
        #expect(error.line == 3)
        #expect(error.description.hasPrefix(path + ":3:"))
    }

    @Test func loopbackEndpoints() {
        for endpoint in ["tcp://127.0.0.1:5555", "tcp://127.0.0.1:*", "tcp://localhost:5555", "tcp://[::1]:5555",
                         "tcp://::1:5555", "tcp://127.1.2.3:9", "ipc:///tmp/lottery", "inproc://x"] {
            #expect(Endpoint.isLoopback(endpoint), "\(endpoint)")
        }
        for endpoint in ["tcp://0.0.0.0:5555", "tcp://*:5555", "tcp://10.0.0.7:5555", "tcp://head:5555",
                         "tcp://[::]:5555", "tcp://127.0.0.1.example.com:5555", "ws://127.0.0.1:80"] {
            #expect(!Endpoint.isLoopback(endpoint), "\(endpoint)")
        }
    }
}
