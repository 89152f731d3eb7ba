/// Vectorised elementwise kernels of the encoder (SIMD16<Float>). They avoid the SIMD operations
/// that scalarise without a `-target-cpu` flag (`pointwiseMin/Max`, `rounded`, `addingProduct`,
/// float→int conversion): rounding uses the 1.5·2²³ trick and clamping uses `replacing(with:where:)`.
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

    /// eˣ for a vector (Cephes expf polynomial on the reduced argument, 2ⁿ from exponent bits).
    @inline(__always)
    static func exp(_ x0: V) -> V {
        var x = x0
        x = x.replacing(with: 88.3762626647949, where: x .> 88.3762626647949)
        x = x.replacing(with: -87.3365447505531, where: x .< -87.3365447505531)
        let magic = V(repeating: 12582912)  // 1.5 · 2²³
        let t = x * 1.44269504088896341 + magic
        let n = t - magic
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p = V(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * (r * r) + r + 1
        let bits = (unsafeBitCast(t, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return y * unsafeBitCast(bits, to: V.self)
    }

    /// Scalar eˣ with the same polynomial (for row tails), so results do not depend on alignment.
    @inline(__always)
    static func exp(_ x: Float) -> Float { exp(V(repeating: x))[0] }


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
    /// (residual and bias optional).
    static func layerNorm(
        _ y: UnsafeMutablePointer<Float>, rows: Int, n: Int,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float
    ) {
        let vn = n - n % width
        for r in 0..<rows {
            let row = y + r * n
            let res = residual.map { $0 + r * n }
            // Pass 1: sum the inputs (and write them back).
            var acc = V()
            var tail: Float = 0
            var i = 0
            while i < vn {
                var v = load(row, i)
                if let bias { v += load(bias, i) }
                if let res { v += load(res, i) }
                store(v, row, i)
                acc += v
                i += width
            }
            while i < n {
                var v = row[i]
                if let bias { v += bias[i] }
                if let res { v += res[i] }
                row[i] = v
                tail += v
                i += 1
            }
            let mean = (acc.sum() + tail) / Float(n)
            // Pass 2: variance about the mean.
            var accVar = V()
            var tailVar: Float = 0
            let m = V(repeating: mean)
            i = 0
            while i < vn {
                let d = load(row, i) - m
                accVar += d * d
                i += width
            }
            while i < n {
                let d = row[i] - mean
                tailVar += d * d
                i += 1
            }
            let variance = (accVar.sum() + tailVar) / Float(n)
            let inv = 1 / (variance + eps).squareRoot()
            let vinv = V(repeating: inv)
            i = 0
            while i < vn {
                store((load(row, i) - m) * vinv * load(gamma, i) + load(beta, i), row, i)
                i += width
            }
            while i < n {
                row[i] = (row[i] - mean) * inv * gamma[i] + beta[i]
                i += 1
            }
        }
    }

    /// Row softmax in place over `rows` rows of `n` (leading dimension `ld`).
    static func softmax(_ x: UnsafeMutablePointer<Float>, rows: Int, n: Int, ld: Int) {
        let vn = n - n % width
        for r in 0..<rows {
            let row = x + r * ld
            var mv = V(repeating: -.infinity)
            var i = 0
            while i < vn {
                let v = load(row, i)
                mv = mv.replacing(with: v, where: v .> mv)
                i += width
            }
            var mx = mv.max()
            while i < n {
                if row[i] > mx { mx = row[i] }
                i += 1
            }
            let vm = V(repeating: mx)
            var acc = V()
            var tail: Float = 0
            i = 0
            while i < vn {
                let e = exp(load(row, i) - vm)
                store(e, row, i)
                acc += e
                i += width
            }
            while i < n {
                let e = exp(row[i] - mx)
                row[i] = e
                tail += e
                i += 1
            }
            let inv = V(repeating: 1 / (acc.sum() + tail))
            i = 0
            while i < vn {
                store(load(row, i) * inv, row, i)
                i += width
            }
            let s = inv[0]
            while i < n {
                row[i] *= s
                i += 1
            }
        }
    }
}

