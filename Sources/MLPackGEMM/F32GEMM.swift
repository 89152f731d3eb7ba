import CGEMM

/// A Float32 matrix-product kernel on packed weights (one instruction set). All give the same bits.
public enum F32Kernel: Int32, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// Portable C, any CPU.
    case scalar = 0
    /// AVX2 with FMA: 6 rows × 16 columns per tile.
    case avx2 = 1
    /// AVX-512: 6 rows × 64 columns per tile.
    case avx512 = 2

    public var name: String {
        switch self {
        case .scalar: "scalar"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }

    public var description: String { name }

    /// Whether this CPU (and this build) runs the kernel.
    public var isSupported: Bool { mlpack_f32_supported(rawValue) != 0 }

    /// The kernels this CPU runs, slowest first.
    public static let supported: [F32Kernel] = allCases.filter(\.isSupported)

    /// The fastest kernel this CPU runs.
    public static let best: F32Kernel = supported.last ?? .scalar

    public static func < (a: F32Kernel, b: F32Kernel) -> Bool { a.rawValue < b.rawValue }
}

/// The w/// The weights of one linear layer (`[n×k]`, the `nn.Linear` layout) packed once for ``F32GEMM``
/// (panels of 16 outputs × k, each contiguous).
public final class PackedWeights: @unchecked Sendable {  // immutable after init
    /// Output features.
    public let n: Int
    /// Input features.
    public let k: Int
    let packed: UnsafeMutablePointer<Float>

    /// Packs `w` (`n·k` floats, row-major).
    public init(packing w: UnsafePointer<Float>, n: Int, k: Int) {
        precondition(n >= 1 && k >= 1 && n <= Int(Int32.max) / 16 && k <= Int(Int32.max) / 16)
        self.n = n
        self.k = k
        let count = mlpack_f32_packed_count(Int32(n), Int32(k))
        // Cache-line aligned: each k step of a panel (16 floats) is then exactly one line.
        packed = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
        mlpack_f32_pack(w, Int32(n), Int32(k), packed)
    }

    deinit { UnsafeMutableRawPointer(packed).deallocate() }
}

/// `C = A · Wᵀ` for ``PackedWeights``: each output the fused multiply-adds over k in order (the
/// same bits from every kernel).
public enum F32GEMM {
    /// Columns `columns` (lower bound a multiple of 16) of `A · Wᵀ` for `rows` rows of `a` (row
    /// stride `lda`) into `c` (row stride `ldc`).
    public static func multiply(
        _ a: UnsafePointer<Float>, rows: Int, lda: Int, weights w: PackedWeights, columns: Range<Int>,
        into c: UnsafeMutablePointer<Float>, ldc: Int, kernel: F32Kernel
    ) {
        precondition(kernel.isSupported, "Float32 kernel \(kernel.name) is not supported on this CPU")
        precondition(columns.lowerBound % 16 == 0 && columns.lowerBound >= 0 && columns.upperBound <= w.n)
        precondition(ldc >= columns.upperBound && lda >= w.k && rows >= 0 && rows <= Int(Int32.max))
        mlpack_f32_gemm(
            kernel.rawValue, a, Int32(rows), Int32(w.k), Int32(lda), w.packed, Int32(columns.lowerBound),
            Int32(columns.upperBound), c, Int32(ldc))
    }
}
