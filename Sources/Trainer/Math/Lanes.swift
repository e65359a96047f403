import CFloatControl
import Dispatch

/// Data parallelism inside one training step: a layer splits its examples into
/// lanes that run at once, one per training thread. Only convolutions do: their
/// products are too small for OpenBLAS to split well (two OpenBLAS threads ran
/// Conv-2 no faster than one), while two lanes of one-thread products do.
enum Lanes {
    /// Lanes a layer may use: the process's training threads (`BLAS.threads`).
    static var count: Int { BLAS.threads }

    /// Runs `body(lane)` for lanes 0..<count at once and returns when all are done.
    /// Inside, OpenBLAS uses one thread per call, and subnormals are flushed to
    /// zero as in the training thread.
    static func run(_ count: Int, _ body: (Int) -> Void) {
        guard count > 1 else {
            body(0)
            return
        }
        let threads = BLAS.threads
        if threads != 1 { BLAS.threads = 1 }
        defer { if threads != 1 { BLAS.threads = threads } }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: count) { lane in
                let saved = lottery_flush_denormals_saving()
                defer { lottery_restore_float_control(saved) }
                shared.value(lane)
            }
        }
    }
}

/// Hands a closure to the lanes' threads. Each lane touches only its own
/// workspace and its own slice of the batch; the caller waits for all of them.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
