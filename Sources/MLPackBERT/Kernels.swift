import MLPackGEMM

/// Elementwise kernels of the encoder. GELU, softmax, LayerNorm and short attention, the costly
/// ones, run in C with the F32 kernel's instructions (``Elementwise``: Swift's SIMD types compile
/// to four SSE2 lanes without FMA, as no `-target-cpu` is given); the bias maps here use
/// SIMD16<Float>, avoiding the operations that scalarise (`pointwiseMin/Max`, `rounded`,
/// `addingProduct`, float→int conversion).
enum Kernels {
    typealias V = SIMD16<Float>
    static let width = 16

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> V {
        UnsafeRawPointer(p + i).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: V.self)
    }

    /// `x[i] = f(x[i] + bias[i mod n])` over `rows` rows of `n` (leading dimension `ld`, default
    /// `n`), `f` applied to 16 lanes at a time (row tails go through `f` one lane at a time; `f` is
    /// lane-wise, so a value does not depend on where a block of columns starts).
    @inline(__always)
    static func biasMap(
        _ x: UnsafeMutablePointer<Float>, rows: Int, n: Int, ld: Int? = nil, bias: UnsafePointer<Float>, _ f: (V) -> V
    ) {
        let vn = n - n % width
        let ld = ld ?? n
        for r in 0..<rows {
            let row = x + r * ld
            var i = 0
            while i < vn {
                store(f(load(row, i) + load(bias, i)), row, i)
                i += width
            }
            while i < n {
                row[i] = f(V(repeating: row[i] + bias[i]))[0]
                i += 1
            }
        }
    }

    /// `x[i] = max(0, x[i] + bias[i mod n])`.
    static func biasReLU(
        _ x: UnsafeMutablePointer<Float>, rows: Int, n: Int, ld: Int? = nil, bias: UnsafePointer<Float>
    ) {
        biasMap(x, rows: rows, n: n, ld: ld, bias: bias) { $0.replacing(with: 0, where: $0 .< 0) }
    }

    /// `x[i] += bias[i mod n]`.
    static func addBias(
        _ x: UnsafeMutablePointer<Float>, rows: Int, n: Int, ld: Int? = nil, bias: UnsafePointer<Float>
    ) {
        biasMap(x, rows: rows, n: n, ld: ld, bias: bias) { $0 }
    }

    /// In place over `rows` rows of `n`: `y = LayerNorm(y + bias + residual) · gamma + beta`
    /// (residual and bias optional), in C with the F32 kernel's instructions (``Elementwise``).
    @inline(__always)
    static func layerNorm(
        _ y: UnsafeMutablePointer<Float>, rows: Int, n: Int,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float
    ) {
        Elementwise.layerNorm(y, rows: rows, n: n, bias: bias, residual: residual, gamma: gamma, beta: beta, eps: eps)
    }

    /// Row softmax in place over `rows` rows of `n` (leading dimension `ld`), in C (``Elementwise``).
    @inline(__always)
    static func softmax(_ x: UnsafeMutablePointer<Float>, rows: Int, n: Int, ld: Int) {
        Elementwise.softmax(x, rows: rows, n: n, ld: ld)
    }
}
