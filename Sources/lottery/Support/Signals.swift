import Dispatch
import Foundation

/// Runs `handler` (on the main queue) when the process gets SIGINT or SIGTERM,
/// instead of dying: coordinators and workers stop cleanly, which matters under
/// Docker and Slurm. The sources must be kept alive by the caller.
func onTerminationSignals(_ handler: @escaping @Sendable (Int32) -> Void) -> [DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
        source.setEventHandler { handler(number) }
        source.resume()
        return source
    }
}
