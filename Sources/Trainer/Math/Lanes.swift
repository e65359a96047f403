import CFloatControl
import Dispatch

/// Data parallelism inside one training step: a layer splits its examples into
/// lanes that run at once, one per training thread. Convolutions do: their
/// products are too small for OpenBLAS to split well (two OpenBLAS threads ran
/// Conv-2 no faster than one), while two lanes of one-thread products do; so do
/// the passes around them that treat every example alike (`split`).
public enum Lanes {
    /// Lanes a layer may use: the training threads of the trial this thread trains
    /// (`Lanes.with`), 1 outside one. Kept per thread, not read from OpenBLAS's
    /// process-wide setting: a trial running beside another (a worker's slots) must
    /// split its batches the same way whatever the other does, or its sums would be
    /// added in another order.
    static var count: Int {
        max(1, Int(bitPattern: slot.value))
    }

    /// Runs `body` with `count` lanes for every layer it trains on this thread.
    public static func with<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        try slot.with(UnsafeRawPointer(bitPattern: max(1, count)), body)
    }

    /// The count, stored as the pointer's bits.
    private static let slot = ThreadSlot()

    /// Runs `body(range)` for this trial's lanes at once, each with a contiguous
    /// share of `0..<items`: for passes whose items are computed each on its own
    /// (examples in bias and ReLU or residual sums, channels in normalization's
    /// statistics, kernel pairs in Winograd's kernel transforms, weights in the
    /// optimizer's step), so that their results do not depend on the split.
    static func split(_ items: Int, _ body: (Range<Int>) -> Void) {
        let lanes = max(1, min(count, items))
        run(lanes) { lane in body((items * lane / lanes)..<(items * (lane + 1) / lanes)) }
    }

    /// Runs `body(lane)` for lanes 0..<count at once and returns when all are done.
    /// Inside, OpenBLAS uses one thread per call (its setting is process-wide, so a
    /// trial beside this one may run a product on fewer threads meanwhile: slower, the
    /// same numbers, as OpenBLAS splits a product by rows and columns, never along
    /// the sums), and subnormals are flushed to zero as in the training thread.
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
