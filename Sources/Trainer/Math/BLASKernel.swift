#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS picks its CPU kernel once, when the library loads, from the CPU's
/// model number. OpenBLAS 0.3.21 (Debian 12's) does not know newer Xeons and
/// falls back to `Prescott`, an SSE3 kernel about 3× slower than `SkylakeX` on
/// the same AVX-512 machine. The only way to choose is the `OPENBLAS_CORETYPE`
/// environment variable before the library loads, so the process restarts itself.
public enum BLASKernel {
    /// Kernels from slowest to fastest, as OpenBLAS names them.
    static let ranking = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge", "Haswell", "SkylakeX"]

    /// The best kernel for this CPU's instruction set, judged from its flags.
    public static func bestForThisCPU(flags: Set<String>? = nil) -> String? {
        guard let flags = flags ?? cpuFlags() else { return nil }
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        if flags.contains("avx") { return "Sandybridge" }
        return nil
    }

    /// When OpenBLAS chose a slower kernel than this CPU supports and the user did
    /// not choose one, re-executes this program with `OPENBLAS_CORETYPE` set.
    /// Returns (and the program goes on as it is) when there is nothing to do or
    /// the restart is impossible.
    public static func relaunchWithBestKernelIfNeeded() {
        guard getenv("OPENBLAS_CORETYPE") == nil, let best = bestForThisCPU() else { return }
        let current = BLAS.coreName
        guard let currentRank = ranking.firstIndex(where: { $0.lowercased() == current.lowercased() }),
              let bestRank = ranking.firstIndex(of: best), bestRank > currentRank else { return }
        setenv("OPENBLAS_CORETYPE", best, 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        // Only reached if exec failed: carry on with the slower kernel.
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// Why this CPU cannot run this build's trainer, or nil when it can: on
    /// x86-64 the trainer is compiled for AVX2 and FMA.
    public static func unsupportedCPUReason() -> String? {
        #if arch(x86_64)
        guard let flags = cpuFlags() else { return nil }
        let missing = ["avx2", "fma"].filter { !flags.contains($0) }
        guard !missing.isEmpty else { return nil }
        return "this CPU lacks \(missing.joined(separator: " and ")); lottery's trainer is built for x86-64 CPUs "
            + "with AVX2 and FMA (Intel Haswell, AMD Zen or newer)"
        #else
        return nil
        #endif
    }

    private static func cpuFlags() -> Set<String>? {
        guard let line = ProcFile.lines("/proc/cpuinfo").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let value = line.split(separator: ":", maxSplits: 1).last ?? ""
        return Set(value.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }
}
