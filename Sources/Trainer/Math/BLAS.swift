import CBLAS

/// The process's OpenBLAS: every matrix product of the trainer goes through `gemm`.
public enum BLAS {
    /// Threads OpenBLAS uses for each product. A process-wide setting.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The CPU kernel OpenBLAS chose at start-up, e.g. `SkylakeX`.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Row-major C = α·op(A)·op(B) + β·C, where op(A) is m×k and op(B) is k×n.
    /// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored.
    ///
    /// For β = 0, C is zeroed here and the product added onto it: OpenBLAS zeroes C
    /// in a pass of its own (`sgemm_beta`), which took 5% of a LeNet step (mostly for
    /// ∂W of the 784×300 layer), where a memset takes about a fifth of that; the floats
    /// are the same (0 + s = s).
    @inline(__always)
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if let recorder = GEMMRecorder.active {
            recorder.calls.append(GEMMRecorder.Call(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                    lda: lda, ldb: ldb, ldc: ldc, beta: beta))
        }
        var beta = beta
        if beta == 0 {
            if ldc == n {
                c.update(repeating: 0, count: m * n)
            } else {
                for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) }
            }
            beta = 1
        }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }
}

/// The matrix products a piece of code makes, by shape, so that a benchmark can
/// time those products alone (`TrainerBenchmark.gemmThroughput`, in the `Benchmarks` target).
package final class GEMMRecorder {
    package struct Call: Hashable {
        package var transposeA: Bool, transposeB: Bool
        package var m: Int, n: Int, k: Int
        package var lda: Int, ldb: Int, ldc: Int
        package var beta: Float
    }

    var calls: [Call] = []

    /// The recorder of the products this thread makes, while `record` runs on it: per
    /// thread, so that nothing a benchmark records is seen by another thread's products.
    static var active: GEMMRecorder? {
        slot.value.map { Unmanaged<GEMMRecorder>.fromOpaque($0).takeUnretainedValue() }
    }

    private static let slot = ThreadSlot()

    /// The products `body` makes, made on one thread: with one training thread,
    /// convolutions run one lane, so no two products are recorded at once.
    package static func record(_ body: () throws -> Void) rethrows -> [Call] {
        let recorder = GEMMRecorder()
        let threads = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = threads }
        // `recorder` outlives the body, so the thread's reference need not retain it.
        try slot.with(Unmanaged.passUnretained(recorder).toOpaque(), body)
        return recorder.calls
    }
}
