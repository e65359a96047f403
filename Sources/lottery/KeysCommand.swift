import ArgumentParser
import Foundation
import Wire

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make CURVE keys for an encrypted, authenticated cluster (see docs/SECURITY.md).",
        subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new key pair: NAME.key (secret, mode 0600) and NAME.pub (public).",
            discussion: """
                Give the coordinator's NAME.pub to every worker (--coordinator-key) and collect the \
                workers' NAME.pub files in the coordinator's --authorized-keys folder.
                """)

        @Option(help: "The folder to write the two files into (made if missing).")
        var out: String

        @Option(help: "The files' name (default: the host name).")
        var name: String = ProcessInfo.processInfo.hostName

        func validate() throws {
            guard !name.isEmpty, !name.contains("/") else { throw ValidationError("--name must be a plain file name") }
        }

        func run() throws {
            let pair = try CurveKeyPair.generate()
            let paths = try KeyFile.write(pair, folder: out, name: name)
            print("secret key: \(paths.secret)   (keep it on this machine)")
            print("public key: \(paths.public)   \(pair.publicKey.z85)")
        }
    }
}
