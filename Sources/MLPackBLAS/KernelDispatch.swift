#if canImport(Glibc)
import Glibc
#endif

/// Run-time choice of OpenBLAS's kernel family.
///
/// OpenBLAS (a `DYNAMIC_ARCH` build, as Debian's) picks its kernels from the CPU's family and model
/// numbers, once, while the library loads. A CPU it does not know (a newer model, or a virtual CPU
/// that reports an unusual model, as cloud VMs do) gets its SSE3 `Prescott` kernels even when the
/// CPU has AVX2 or AVX-512: measured on a 2-vCPU Xeon VM with AVX-512, 1,000 sentence pairs took
/// 23.3 s on `Prescott` and 7.0 s on `Cooperlake`. The choice can only be changed by the
/// environment variable `OPENBLAS_CORETYPE` before the library loads, so the `mlpack` executable
/// re-executes itself once with it set (``reexecWithBetterKernelsIfNeeded()``). The decision uses
/// the CPU's own feature flags, never a guess: AVX-512 (F, CD, BW, DQ, VL) → `SkylakeX`, plus
/// AVX512-BF16 → `Cooperlake`; AVX2 and FMA → `Haswell`. A core OpenBLAS recognised is kept, and so
/// is any `OPENBLAS_CORETYPE` the user set.
public enum KernelDispatch {
    /// The environment variable OpenBLAS reads its forced core from.
    public static let coreVariable = "OPENBLAS_CORETYPE"
    /// Set by mlpack on re-execution: the core OpenBLAS had detected itself.
    public static let detectedVariable = "MLPACK_OPENBLAS_DETECTED"

    /// OpenBLAS's fallbacks for x86-64 CPUs it does not recognise: SSE-only kernel families.
    static let sseOnlyCores: Set<String> = [
        "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Coppermine",
        "Northwood", "Banias", "Opteron", "Opteron_SSE3", "Barcelona", "Nano",
    ]

    /// The core to force, given the core OpenBLAS detected and the CPU's feature flags (as
    /// `/proc/cpuinfo` names them), or nil to keep OpenBLAS's own choice.
    public static func preferredCore(detected: String, cpuFlags: Set<String>) -> String? {
        guard sseOnlyCores.contains(detected) else { return nil }
        let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains)
        if avx512 { return cpuFlags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX" }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The feature flags of the first processor in `/proc/cpuinfo` text.
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// What this process runs: the core in use, and the one OpenBLAS had detected when mlpack
    /// chose another (nil when OpenBLAS's own choice is in use).
    public static var current: (core: String, detected: String?) {
        let detected = getenv(detectedVariable).map { String(cString: $0) }
        return (BLAS.coreName, detected.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Re-executes this program (same arguments, descriptors and process id) with
    /// `OPENBLAS_CORETYPE` set when OpenBLAS chose SSE kernels for a CPU with AVX2 or AVX-512.
    /// Call it first thing in `main`, before any thread starts. Returns only when nothing is to be
    /// done or re-execution failed (the program then goes on with OpenBLAS's choice).
    public static func reexecWithBetterKernelsIfNeeded() {
        guard getenv(coreVariable) == nil, let cpuinfo = readFile("/proc/cpuinfo") else { return }
        let detected = BLAS.coreName
        guard let core = preferredCore(detected: detected, cpuFlags: cpuFlags(cpuinfo: cpuinfo)) else { return }
        setenv(coreVariable, core, 1)
        setenv(detectedVariable, detected, 1)
        fflush(nil)  // Nothing buffered is lost or written twice.
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Not re-executed: go on with OpenBLAS's own kernels, and do not claim otherwise.
        unsetenv(coreVariable)
        unsetenv(detectedVariable)
    }

    private static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > 16 << 20 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
