import CInt8GEMM

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An int8 matrix-product kernel (one instruction set). All compute the same exact int32 sums.
public enum Int8Kernel: Int32, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Portable C, any CPU.
    case scalar = 0
    /// AVX2: `maddubs(|a|, sign(w, a))` then `madd` with ones (exact: no int16 saturation).
    case avx2 = 1
    /// AVX-VNNI: 256-bit `vpdpbusd` (VEX).
    case avxVNNI = 2
    /// AVX-512 VNNI: 512-bit `vpdpbusd`.
    case avx512VNNI = 3

    /// The environment variable that forces a kernel (`scalar`, `avx2`, `avxvnni`, `avx512vnni`);
    /// unset: the best one the CPU runs.
    public static let environmentVariable = "MLPACK_INT8_KERNEL"

    /// The name `mlpack load` prints: `scalar`, `avx2`, `avx-vnni`, `avx512-vnni`.
    public var name: String {
        switch self {
        case .scalar: "scalar"
        case .avx2: "avx2"
        case .avxVNNI: "avx-vnni"
        case .avx512VNNI: "avx512-vnni"
        }
    }

    public var description: String { name }

    /// The name as `MLPACK_INT8_KERNEL` spells it: `scalar`, `avx2`, `avxvnni`, `avx512vnni`.
    public var environmentName: String { String(name.filter { $0 != "-" }) }

    /// A name as `MLPACK_INT8_KERNEL` takes it (with or without the dash, any case).
    public init?(name: String) {
        let key = String(name.lowercased().filter { $0 != "-" && $0 != "_" })
        guard let kernel = Self.allCases.first(where: { $0.environmentName == key }) else {
            return nil
        }
        self = kernel
    }

    /// Whether this CPU (and this build) runs the kernel.
    public var isSupported: Bool { mlpack_i8_supported(rawValue) != 0 }

    /// The kernels this CPU runs, slowest first.
    public static let supported: [Int8Kernel] = allCases.filter(\.isSupported)

    /// The fastest kernel this CPU runs.
    public static let best: Int8Kernel = supported.last ?? .scalar

    public static func < (a: Int8Kernel, b: Int8Kernel) -> Bool { a.rawValue < b.rawValue }

    /// The kernel named by `MLPACK_INT8_KERNEL` (`value`), else ``best``. Throws for a name it does
    /// not know or a kernel this CPU does not run.
    public static func selected(environmentValue value: String?) throws(Int8KernelError) -> Int8Kernel {
        guard let value, !value.isEmpty else { return best }
        guard let kernel = Int8Kernel(name: value) else { throw .unknown(value) }
        guard kernel.isSupported else { throw .unsupported(kernel) }
        return kernel
    }

    /// ``selected(environmentValue:)`` with this process's `MLPACK_INT8_KERNEL`.
    public static func selected() throws(Int8KernelError) -> Int8Kernel {
        try selected(environmentValue: getenv(environmentVariable).map { String(cString: $0) })
    }
}

/// A kernel that `MLPACK_INT8_KERNEL` names but cannot be used.
public enum Int8KernelError: Error, Equatable, CustomStringConvertible {
    case unknown(String)
    case unsupported(Int8Kernel)

    public var description: String {
        switch self {
        case .unknown(let v):
            "\(Int8Kernel.environmentVariable)=\(v): expected one of \(Int8Kernel.allCases.map(\.environmentName).joined(separator: ", "))"
        case .unsupported(let k):
            "\(Int8Kernel.environmentVariable)=\(k.environmentName): this CPU does not run it (it runs \(Int8Kernel.supported.map(\.name).joined(separator: ", ")))"
        }
    }
}

/// The weights of one linear layer (`[n×k]`, the `nn.Linear` layout) quantized per output channel
/// (symmetric, `scale = max|w_j| / 127`) and packed for the kernels (blocks of 16 outputs × 4 k).
public final class Int8Weights: @unchecked Sendable {  // immutable after init
    /// Output features (rows of the weight).
    public let n: Int
    /// Input features.
    public let k: Int
    /// `k` rounded up to a multiple of 4: the row length of quantized activations.
    public let paddedK: Int
    let packed: UnsafeMutableRawPointer
    let rowSums: UnsafeMutablePointer<Int32>
    /// Per output channel.
    public let scales: UnsafeMutablePointer<Float>

    /// Quantizes and packs `w` (`n·k` floats, row-major).
    public convenience init(quantizing w: UnsafePointer<Float>, n: Int, k: Int) {
        precondition(n >= 1 && k >= 1 && n <= Int(Int32.max) && k <= Int(Int32.max) / 4)
        var q = [Int8](repeating: 0, count: n * k)
        var s = [Float](repeating: 0, count: n)
        mlpack_i8_quantize_weights(w, Int32(n), Int32(k), &q, &s)
        self.init(quantized: q, scales: s, n: n, k: k)
    }

    /// Packs int8 weights (`n·k`, row-major) with their per-row scales.
    public init(quantized q: [Int8], scales s: [Float], n: Int, k: Int) {
        precondition(q.count == n * k && s.count == n && n >= 1 && k >= 1)
        self.n = n
        self.k = k
        paddedK = Int(mlpack_i8_padded_k(Int32(k)))
        packed = .allocate(byteCount: mlpack_i8_packed_bytes(Int32(n), Int32(k)), alignment: 64)
        rowSums = .allocate(capacity: n)
        scales = .allocate(capacity: n)
        scales.initialize(from: s, count: n)
        mlpack_i8_pack(q, Int32(n), Int32(k), packed.assumingMemoryBound(to: Int8.self), rowSums)
    }

    deinit {
        packed.deallocate()
        rowSums.deallocate()
        scales.deallocate()
    }
}

/// Int8 products `C = A · Wᵀ` for ``Int8Weights``, activations quantized per row.
public enum Int8GEMM {
    /// Quantizes `rows` rows of `a` (row stride `lda`, first `k` values) per row, symmetric:
    /// `scales[i] = max|a_i| / 127`; `q[i·paddedK + j]` holds `128 + round(a / scale)` (u8, values
    /// 1...255, padding 128).
    public static func quantizeRows(
        _ a: UnsafePointer<Float>, rows: Int, k: Int, lda: Int, into q: UnsafeMutablePointer<UInt8>, paddedK: Int,
        scales: UnsafeMutablePointer<Float>
    ) {
        precondition(paddedK == Int(mlpack_i8_padded_k(Int32(k))) && lda >= k)
        mlpack_i8_quantize_rows(a, Int32(rows), Int32(k), Int32(lda), q, Int32(paddedK), scales)
    }

    /// Columns `columns` (lower bound a multiple of 16) of `(Σ_k qa·qw) · scaleA[i] · scaleW[j]` into
    /// `c` (row stride `ldc`).
    public static func multiply(
        _ qa: UnsafePointer<UInt8>, rows: Int, scales sa: UnsafePointer<Float>, weights w: Int8Weights,
        columns: Range<Int>, into c: UnsafeMutablePointer<Float>, ldc: Int, kernel: Int8Kernel
    ) {
        check(rows: rows, w: w, columns: columns, ldc: ldc, kernel: kernel)
        mlpack_i8_gemm(
            kernel.rawValue, qa, Int32(rows), Int32(w.paddedK), w.packed.assumingMemoryBound(to: Int8.self), w.rowSums,
            Int32(w.n), Int32(columns.lowerBound), Int32(columns.upperBound), nil, c, Int32(ldc), sa, w.scales)
    }

    /// The exact int32 sums `Σ_k (qa − 128) · qw` for columns `columns` into `c` (row stride `ldc`).
    public static func multiplyExact(
        _ qa: UnsafePointer<UInt8>, rows: Int, weights w: Int8Weights, columns: Range<Int>,
        into c: UnsafeMutablePointer<Int32>, ldc: Int, kernel: Int8Kernel
    ) {
        check(rows: rows, w: w, columns: columns, ldc: ldc, kernel: kernel)
        mlpack_i8_gemm(
            kernel.rawValue, qa, Int32(rows), Int32(w.paddedK), w.packed.assumingMemoryBound(to: Int8.self), w.rowSums,
            Int32(w.n), Int32(columns.lowerBound), Int32(columns.upperBound), c, nil, Int32(ldc), nil, nil)
    }

    private static func check(rows: Int, w: Int8Weights, columns: Range<Int>, ldc: Int, kernel: Int8Kernel) {
        precondition(kernel.isSupported, "int8 kernel \(kernel.name) is not supported on this CPU")
        precondition(columns.lowerBound % 16 == 0 && columns.lowerBound >= 0 && columns.upperBound <= w.n)
        precondition(ldc >= columns.upperBound && rows >= 0 && rows <= Int(Int32.max))
    }
}
