import CGEMM

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
/// and group of ``Int8GEMM/group`` inputs (symmetric, `scale = max|w| / 127` over the group) and
/// packed for the kernels (blocks of 16 outputs × 4 k).
public final class Int8Weights: @unchecked Sendable {  // immutable after init
    /// Output features (rows of the weight).
    public let n: Int
    /// Input features.
    public let k: Int
    /// `k` rounded up to a multiple of ``Int8GEMM/group``: the row length of quantized activations.
    public let paddedK: Int
    /// Quantization groups per row: `paddedK / Int8GEMM.group`.
    public var groups: Int { paddedK / Int8GEMM.group }
    let paddedN: Int
    let packed: UnsafeMutableRawPointer
    // Per group g and column j, at g · paddedN + j: the scale, Σ q over the group, and their product.
    let columnScales: UnsafeMutablePointer<Float>
    let rowSums: UnsafeMutablePointer<Int32>
    let scaledRowSums: UnsafeMutablePointer<Float>

    /// Quantizes and packs `w` (`n·k` floats, row-major).
    public convenience init(quantizing w: UnsafePointer<Float>, n: Int, k: Int) {
        precondition(n >= 1 && k >= 1 && n <= Int(Int32.max) / 64 && k <= Int(Int32.max) / 64)
        let groups = Int(mlpack_i8_padded_k(Int32(k))) / Int8GEMM.group
        var q = [Int8](repeating: 0, count: n * k)
        var s = [Float](repeating: 0, count: n * groups)
        mlpack_i8_quantize_weights(w, Int32(n), Int32(k), &q, &s)
        self.init(quantized: q, scales: s, n: n, k: k)
    }

    /// Packs int8 weights (`n·k`, row-major) with their scales (`scales[j · groups + g]`).
    public init(quantized q: [Int8], scales s: [Float], n: Int, k: Int) {
        self.n = n
        self.k = k
        paddedK = Int(mlpack_i8_padded_k(Int32(k)))
        paddedN = Int(mlpack_i8_padded_n(Int32(n)))
        let groups = paddedK / Int8GEMM.group
        precondition(q.count == n * k && s.count == n * groups && n >= 1 && k >= 1)
        packed = .allocate(byteCount: mlpack_i8_packed_bytes(Int32(n), Int32(k)), alignment: 64)
        columnScales = .allocate(capacity: groups * paddedN)
        rowSums = .allocate(capacity: groups * paddedN)
        scaledRowSums = .allocate(capacity: groups * paddedN)
        mlpack_i8_pack(
            q, s, Int32(n), Int32(k), packed.assumingMemoryBound(to: Int8.self), columnScales, rowSums, scaledRowSums)
    }

    /// The scale of output `j`, group `g`.
    public func scale(output j: Int, group g: Int) -> Float { columnScales[g * paddedN + j] }

    deinit {
        packed.deallocate()
        columnScales.deallocate()
        rowSums.deallocate()
        scaledRowSums.deallocate()
    }
}

/// Int8 products `C = A · Wᵀ` for ``Int8Weights``, activations quantized per row and group.
public enum Int8GEMM {
    /// Inputs (k) per quantization group.
    public static let group = Int(MLPACK_I8_GROUP)

    /// Quantizes `rows` rows of `a` (row stride `lda`, first `k` values) per row and group of
    /// ``group`` values, asymmetrically over `[min(0, min a), max(0, max a)]`: `a ≈ scale · (q − zp)`
    /// with `q`, `zp` in 0...255. Writes `q` (row length `paddedK`, padding 0), `scales[i · G + g]`
    /// and `offsets[i · G + g]` = `scale · zp` (`G = paddedK / group`). The same bytes from every
    /// `kernel` (its instruction set quantizes: AVX-512 for ``Int8Kernel/avx512VNNI``, AVX2 for
    /// ``Int8Kernel/avx2`` and ``Int8Kernel/avxVNNI``, portable C for ``Int8Kernel/scalar``).
    public static func quantizeRows(
        _ a: UnsafePointer<Float>, rows: Int, k: Int, lda: Int, into q: UnsafeMutablePointer<UInt8>, paddedK: Int,
        scales: UnsafeMutablePointer<Float>, offsets: UnsafeMutablePointer<Float>, kernel: Int8Kernel
    ) {
        precondition(paddedK == Int(mlpack_i8_padded_k(Int32(k))) && lda >= k)
        precondition(kernel.isSupported, "int8 kernel \(kernel.name) is not supported on this CPU")
        mlpack_i8_quantize_rows(kernel.rawValue, a, Int32(rows), Int32(k), Int32(lda), q, Int32(paddedK), scales, offsets)
    }

    /// Columns `columns` (lower bound a multiple of 16) of `A · Wᵀ` into `c` (row stride `ldc`), from
    /// rows quantized by ``quantizeRows(_:rows:k:lda:into:paddedK:scales:offsets:kernel:)``.
    public static func multiply(
        _ qa: UnsafePointer<UInt8>, rows: Int, scales sa: UnsafePointer<Float>, offsets: UnsafePointer<Float>,
        weights w: Int8Weights, columns: Range<Int>, into c: UnsafeMutablePointer<Float>, ldc: Int, kernel: Int8Kernel
    ) {
        precondition(kernel.isSupported, "int8 kernel \(kernel.name) is not supported on this CPU")
        precondition(columns.lowerBound % 16 == 0 && columns.lowerBound >= 0 && columns.upperBound <= w.n)
        precondition(ldc >= columns.upperBound && rows >= 0 && rows <= Int(Int32.max))
        mlpack_i8_gemm(
            kernel.rawValue, qa, Int32(rows), Int32(w.paddedK), sa, offsets, w.packed.assumingMemoryBound(to: Int8.self),
            w.columnScales, w.rowSums, w.scaledRowSums, Int32(w.n), Int32(columns.lowerBound), Int32(columns.upperBound),
            c, Int32(ldc))
    }
}
