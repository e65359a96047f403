import Foundation
import Logging
import LotteryCore
import Trainer
import Wire

/// A worker process: connects to a coordinator, says hello, asks for work up to
/// its slots, trains each assigned trial on its own thread, streams metrics,
/// and delivers each result until the coordinator acknowledges it
/// (docs/PROTOCOL.md, "Rules").
public final class WorkerService: Sendable {
    public enum Ending: Sendable, Equatable {
        /// Drained or shut down by the coordinator, or stopped by a signal.
        case finished
        /// The coordinator turned this worker away for good.
        case rejected(String)
    }

    private enum Input: Sendable {
        case wire(SocketEvent)
        case tick
        case trial(TrialThread.Report)
        case terminate(drain: Bool)
    }

    private let configuration: WorkerConfiguration
    private let logger: Logger
    private let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation

    public init(configuration: WorkerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        (inputs, continuation) = AsyncStream<Input>.makeStream()
    }

    /// Stop taking work: with `drain`, finish the running trials and deliver their
    /// results first; without, abandon them (the coordinator requeues them).
    public func terminate(drain: Bool) {
        continuation.yield(.terminate(drain: drain))
    }

    /// Runs until the coordinator drains or shuts the worker down, a signal stops it,
    /// or the coordinator rejects it.
    public func run() async throws -> Ending {
        BLAS.threads = configuration.threads
        let datasets = announcedFingerprints()
        let routingID = "\(configuration.name)-" + String(String(UInt64(UInt32.random(in: 0 ... .max)) | 1 << 32, radix: 16).dropFirst())
        let context = try ZMQContext()
        let up: SocketID = "coordinator"
        var options: [SocketOption] = [
            .routingID(routingID), .linger(.milliseconds(2000)),
            .reconnectInterval(.milliseconds(100)), .reconnectIntervalMax(.seconds(5)),
        ]
        if let curve = configuration.curve {
            options += [.curveServerKey(curve.coordinatorKey), .curvePublicKey(curve.keyPair.publicKey),
                        .curveSecretKey(curve.keyPair.secretKey)]
        }
        let wire = try SocketThread(context: context, name: "worker wire", sockets: [
            // Monitored: a handshake the coordinator refuses is otherwise silence.
            SocketSpec(up, .dealer, options: options, connect: [configuration.endpoint], monitor: .handshakes),
        ])
        let forward = Task { [continuation] in
            for await event in wire.events { continuation.yield(.wire(event)) }
        }
        let ticker = Task { [continuation] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                continuation.yield(.tick)
            }
        }
        defer {
            forward.cancel()
            ticker.cancel()
        }
        var state = WorkerState(configuration: configuration, datasets: datasets, logger: logger)
        let ending = await state.loop(inputs: inputs.map { input -> WorkerState.Input in
            switch input {
            case .wire(let event): .wire(event)
            case .tick: .tick
            case .trial(let report): .trial(report)
            case .terminate(let drain): .terminate(drain: drain)
            }
        }, send: { message in
            do {
                wire.send(try message.frames(), on: up)
            } catch {
                self.logger.error("cannot encode \(message.typeName): \(error)")
            }
        }, report: { [continuation] report in continuation.yield(.trial(report)) })
        await wire.stop()
        return ending
    }

    /// The datasets this worker holds, loaded (so that the first trial need not wait for
    /// them, and so that data that cannot be read is not announced) and fingerprinted.
    private func announcedFingerprints() -> [String: DatasetFingerprint] {
        var fingerprints: [String: DatasetFingerprint] = [:]
        let names = Set(configuration.announcedDatasets).union(configuration.dataFolders.keys)
        for name in names.sorted() {
            let spec = DataSpec(dataset: name, path: configuration.dataFolders[name])
            do {
                let dataset = try DatasetCache.shared.dataset(for: spec)
                // The files' own digests only name the file that differs, if one does;
                // the combined one is what the trials train on.
                let files = try Dataset.fileFingerprints(of: dataset.info, folder: dataset.folder).files
                fingerprints[name] = DatasetFingerprint(combined: dataset.fingerprint, files: files)
            } catch {
                logger.info("dataset \(name) is not available here: \(error)")
            }
        }
        return fingerprints
    }
}
