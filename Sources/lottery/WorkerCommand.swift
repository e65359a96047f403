import ArgumentParser
import Foundation
import Wire
import Worker

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Train trials for a coordinator until it says the sweep is done.",
        discussion: "SIGTERM hands the running trials back (or finishes them first, with --drain).")

    @Option(help: "The coordinator, e.g. tcp://head:5555.")
    var connect: String

    @Option(help: "This worker's name in logs and the journal (default: the host name).")
    var name: String?

    @Option(help: ArgumentHelp("Trials trained at once, each on its own thread (default: one per CPU this process is given, by affinity and cgroup quota).", valueName: "n"))
    var slots: Int?

    @Option(help: ArgumentHelp("OpenBLAS threads (default: the CPUs given shared among the slots; 1 with the default slots, the fastest for LeNet-sized models).", valueName: "n"))
    var threads: Int?

    @Option(help: "Where a dataset is on this machine, as NAME=FOLDER (repeatable).")
    var data: [String] = []

    @Option(help: "This worker's secret key file (lottery keys generate); turns CURVE on.")
    var key: String?

    @Option(help: "The coordinator's public key: its .pub file or the 40-character key itself (a key that begins with '-' as --coordinator-key=KEY).")
    var coordinatorKey: String?

    @Flag(help: "On SIGTERM, finish the running trials and deliver their results before leaving.")
    var drain = false

    @Option(help: "Log level.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard ["tcp://", "ipc://", "inproc://"].contains(where: connect.hasPrefix) else {
            throw ValidationError("--connect takes a ZeroMQ endpoint such as tcp://head:5555, not '\(connect)'")
        }
        guard (slots ?? 1) >= 1 else { throw ValidationError("--slots must be at least 1") }
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard (key == nil) == (coordinatorKey == nil) else {
            throw ValidationError("--key and --coordinator-key go together: CURVE needs both")
        }
        for entry in data where !entry.contains("=") {
            throw ValidationError("--data takes NAME=FOLDER, e.g. --data mnist=/data/mnist; got '\(entry)'")
        }
    }

    func run() async throws {
        let logger = makeLogger("lottery.worker", level: logLevel)
        var folders: [String: String] = [:]
        for entry in data {
            let parts = entry.split(separator: "=", maxSplits: 1)
            folders[String(parts[0])] = String(parts[1])
        }
        var curve: CurveClientKeys?
        if let key, let coordinatorKey {
            // `lottery keys generate` writes NAME.pub beside NAME.key.
            let publicKeyFile = key.hasSuffix(".key") ? String(key.dropLast(4)) + ".pub" : nil
            curve = CurveClientKeys(keyPair: try KeyFile.readKeyPair(key), coordinatorKey: try KeyFile.publicKey(coordinatorKey),
                                    publicKeyFile: publicKeyFile.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil })
        }
        let host = ProcessInfo.processInfo.hostName
        let cpus = CPUAllowance.current()
        let (slots, threads) = cpus.split(slots: slots, threads: threads)
        logger.info("\(slots) slot\(slots == 1 ? "" : "s") × \(threads) thread\(threads == 1 ? "" : "s") on \(cpus)")
        let service = WorkerService(configuration: WorkerConfiguration(
            endpoint: connect, name: name ?? host, host: host, slots: slots, threads: threads, dataFolders: folders,
            curve: curve),
            logger: logger)
        let drain = self.drain
        let signals = onTerminationSignals { _ in service.terminate(drain: drain) }
        let ending = try await service.run()
        withExtendedLifetime(signals) {}
        if case .rejected(let reason) = ending {
            FileHandle.standardError.write(Data("lottery worker: rejected: \(reason)\n".utf8))
            throw ExitCode(2)
        }
    }
}

import Logging
