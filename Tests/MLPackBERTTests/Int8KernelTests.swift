import Foundation
import MLPackGEMM
import Testing

/// The int8 kernels against exact int32 references (every kernel this CPU runs), and quantization.
@Suite struct Int8KernelTests {
    /// A small deterministic generator (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(next() % UInt64(range.count))
        }
        mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    }

    /// (m, n, k): odd rows, n not a multiple of 16, k not a multiple of 4 or of a group, and the
    /// encoder's shapes.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 16, 4), (2, 17, 5), (3, 31, 7), (5, 33, 13), (7, 47, 66), (6, 64, 64), (11, 65, 129),
        (13, 100, 383), (25, 130, 31), (37, 384, 384), (9, 1536, 387), (4, 384, 1536), (6, 49, 128),
    ]

    @Test func kernelsThisCPURuns() {
        print("Int8KernelTests: this CPU runs \(Int8Kernel.supported.map(\.name)); best \(Int8Kernel.best.name)")
        #expect(Int8Kernel.supported.first == .scalar)
        #expect(Int8Kernel.best.isSupported)
    }

    /// What every kernel must compute, bit for bit (include/int8_gemm.h): per (i, j), from 0, for
    /// each group in order, `c = fma(Float(acc) · sw, sa, c)` then `c = fma(−sazp, rsw, c)`.
    static func reference(
        a: [UInt8], sa: [Float], sazp: [Float], w: [Int8], sw: [Float], m: Int, n: Int, k: Int, kp: Int
    ) -> [Float] {
        let groups = kp / Int8GEMM.group
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var out: Float = 0
                for g in 0..<groups {
                    var acc: Int32 = 0
                    var rs: Int32 = 0
                    for t in (g * Int8GEMM.group)..<min(k, (g + 1) * Int8GEMM.group) {
                        acc += Int32(a[i * kp + t]) * Int32(w[j * k + t])
                        rs += Int32(w[j * k + t])
                    }
                    let scale = sw[j * groups + g]
                    let rsw = Float(rs) * scale
                    out = out.addingProduct(Float(acc) * scale, sa[i * groups + g])
                    out = out.addingProduct(-sazp[i * groups + g], rsw)
                }
                c[i * n + j] = out
            }
        }
        return c
    }

    @Test(arguments: Int8Kernel.allCases)
    func everyKernelGivesTheReferenceBits(kernel: Int8Kernel) throws {
        guard kernel.isSupported else {
            print("Int8KernelTests: \(kernel.name) not run (this CPU does not support it)")
            return
        }
        var random = Random(state: 42 &+ UInt64(kernel.rawValue))
        for (m, n, k) in Self.shapes {
            let kp = Int8GEMM.group * ((k + Int8GEMM.group - 1) / Int8GEMM.group)
            let groups = kp / Int8GEMM.group
            // Extremes included: weights −127…127, activations 0…255.
            let w = (0..<(n * k)).map { _ in Int8(random.int(-127...127)) }
            let sw = (0..<(n * groups)).map { _ in abs(random.float()) + 0.01 }
            let weights = Int8Weights(quantized: w, scales: sw, n: n, k: k)
            #expect(weights.paddedK == kp && weights.groups == groups)
            var a = [UInt8](repeating: 0, count: m * kp)
            for i in 0..<m { for j in 0..<k { a[i * kp + j] = UInt8(random.int(0...255)) } }
            let sa = (0..<(m * groups)).map { _ in abs(random.float()) + 0.01 }
            let sazp = sa.map { $0 * Float(random.int(0...255)) }
            let expected = Self.reference(a: a, sa: sa, sazp: sazp, w: w, sw: sw, m: m, n: n, k: k, kp: kp)
            // As the encoder's threads do: blocks of columns whose inner bounds are multiples of 16.
            let split = n / 2 / 16 * 16
            let blocks = split > 0 ? [0..<split, split..<n] : [0..<n]
            var c = [Float](repeating: .nan, count: m * n)
            for block in blocks {
                Int8GEMM.multiply(a, rows: m, scales: sa, offsets: sazp, weights: weights, columns: block, into: &c, ldc: n, kernel: kernel)
            }
            let same = zip(c, expected).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(same, "\(kernel.name) m \(m) n \(n) k \(k)")
        }
        print("Int8KernelTests: \(kernel.name) gives the reference bits on \(Self.shapes.count) shapes")
    }

    /// Writes only its columns: a block leaves the other columns of the output alone.
    @Test(arguments: Int8Kernel.supported)
    func writesOnlyItsColumns(kernel: Int8Kernel) {
        let (m, n, k) = (3, 40, 9)
        let weights = Int8Weights(quantized: [Int8](repeating: 1, count: n * k), scales: [Float](repeating: 1, count: n), n: n, k: k)
        var a = [UInt8](repeating: 0, count: m * weights.paddedK)
        for i in 0..<m { for j in 0..<k { a[i * weights.paddedK + j] = 3 } }
        var c = [Float](repeating: -7, count: m * n)
        Int8GEMM.multiply(
            a, rows: m, scales: [Float](repeating: 1, count: m), offsets: [Float](repeating: 2, count: m), weights: weights,
            columns: 16..<33, into: &c, ldc: n, kernel: kernel)
        // Σ (3 − 2) · 1 over k = 9.
        for i in 0..<m {
            for j in 0..<n { #expect(c[i * n + j] == ((16..<33).contains(j) ? Float(k) : -7), "\(kernel.name) \(i),\(j)") }
        }
    }

    /// Per (row, group), asymmetric over [min(0, min a), max(0, max a)]: a group of positives (zero
    /// point 0), one of negatives (zero point 255), a mixed one, a zero one, one with a NaN (zeros),
    /// and a short last group.
    @Test(arguments: Int8Kernel.supported)
    func quantizesRowsPerGroupAsymmetrically(kernel: Int8Kernel) {
        var random = Random(state: 7)
        let k = 64 * 5 + 13
        let (m, lda) = (2, k + 3)
        var a = (0..<(m * lda)).map { _ in random.float() * 3 }
        for j in 0..<64 { a[j] = abs(a[j]) + 0.5 }  // group 0: positives
        for j in 64..<128 { a[j] = -abs(a[j]) - 0.25 }  // group 1: negatives
        for j in 192..<256 { a[j] = 0 }  // group 3: zeros
        a[256 + 5] = .nan  // group 4: a NaN
        let kp = 64 * 6
        var q = [UInt8](repeating: 99, count: m * kp)
        var sa = [Float](repeating: -1, count: m * 6)
        var sazp = [Float](repeating: -1, count: m * 6)
        Int8GEMM.quantizeRows(a, rows: m, k: k, lda: lda, into: &q, paddedK: kp, scales: &sa, offsets: &sazp, kernel: kernel)
        for i in 0..<m {
            for g in 0..<6 {
                let range = (g * 64)..<min(k, (g + 1) * 64)
                let x = range.map { a[i * lda + $0] }
                let hi = max(0, x.max()!)
                let lo = min(0, x.min()!)
                let id = "\(kernel.name) row \(i) group \(g)"
                if x.contains(where: \.isNaN) || hi - lo == 0 {
                    #expect(sa[i * 6 + g] == 0 && sazp[i * 6 + g] == 0, "\(id)")
                    #expect(range.allSatisfy { q[i * kp + $0] == 0 }, "\(id)")
                    continue
                }
                let scale = (hi - lo) / 255
                let inv = 255 / (hi - lo)
                let zp = min(255, (-lo * inv).rounded(.toNearestOrEven))
                #expect(sa[i * 6 + g] == scale, "\(id)")
                #expect(sazp[i * 6 + g] == scale * zp, "\(id)")
                if i == 0 && g == 0 { #expect(zp == 0) }
                if i == 0 && g == 1 { #expect(zp == 255) }
                for (t, v) in zip(range, x) {
                    let expected = min(255, max(0, (v * inv).rounded(.toNearestOrEven) + zp))
                    #expect(Float(q[i * kp + t]) == expected, "\(id) column \(t)")
                    // Dequantized, within half a step of the value.
                    #expect(abs(scale * Float(q[i * kp + t]) - scale * zp - v) <= scale * 0.5001, "\(id) column \(t)")
                }
            }
            #expect(q[(i * kp + k)..<((i + 1) * kp)].allSatisfy { $0 == 0 }, "row \(i) padding")
        }
    }

    /// Every kernel's quantization writes the scalar C's bytes, scales and offsets: row lengths
    /// around the vector width and the group (tails of 1…15 lanes, an empty last vector), a row
    /// stride wider than the row, and groups holding NaN, ±infinity, −0, subnormals, one value,
    /// or a range that overflows Float32.
    @Test func quantizationIsTheSameOnEveryKernel() {
        var random = Random(state: 23)
        for k in [1, 7, 15, 16, 17, 31, 48, 63, 64, 65, 100, 127, 128, 129, 384, 397, 1536] {
            let (m, lda) = (5, k + 5)
            var a = (0..<(m * lda)).map { _ in (random.float() - 0.5) * 8 }
            if k > 3 {
                a[lda + 2] = .nan
                a[2 * lda] = .infinity
                a[2 * lda + 1] = -.infinity
                a[3 * lda + k - 1] = -0.0
                a[3 * lda] = .leastNonzeroMagnitude
                a[3 * lda + 1] = -Float.leastNormalMagnitude
                for j in 0..<k { a[4 * lda + j] = j.isMultiple(of: 2) ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude }
            }
            let kp = (k + 63) / 64 * 64
            let groups = kp / 64
            func run(_ kernel: Int8Kernel) -> ([UInt8], [UInt32], [UInt32]) {
                var q = [UInt8](repeating: 99, count: m * kp)
                var sa = [Float](repeating: -1, count: m * groups)
                var sazp = sa
                Int8GEMM.quantizeRows(a, rows: m, k: k, lda: lda, into: &q, paddedK: kp, scales: &sa, offsets: &sazp, kernel: kernel)
                return (q, sa.map(\.bitPattern), sazp.map(\.bitPattern))
            }
            let scalar = run(.scalar)
            #expect(scalar.0.contains { $0 != 0 }, "k \(k): some value quantized")
            for kernel in Int8Kernel.supported where kernel != .scalar {
                let other = run(kernel)
                let first = other.0.indices.first { other.0[$0] != scalar.0[$0] }
                #expect(first == nil, "\(kernel.name) k \(k): byte \(first ?? 0) (row \((first ?? 0) / kp)) differs")
                #expect(other.1 == scalar.1 && other.2 == scalar.2, "\(kernel.name) k \(k): scales and offsets")
            }
        }
    }

    @Test func quantizesWeightsPerOutputAndGroup() {
        // Two outputs, k = 70: groups 0...63 and 64...69.
        let (n, k) = (2, 70)
        var w = [Float](repeating: 0, count: n * k)
        w[0] = 2; w[1] = 0.0079; w[2] = -0.0079; w[3] = 1; w[4] = -2  // row 0, group 0: scale 2/127
        w[64] = 0.5; w[65] = -1; w[66] = 0.25  // row 0, group 1: scale 1/127
        // row 1 group 0 stays zero; row 1 group 1:
        w[k + 69] = -4
        let weights = Int8Weights(quantizing: w, n: n, k: k)
        #expect(weights.scale(output: 0, group: 0) == 2 / 127 && weights.scale(output: 0, group: 1) == 1 / 127)
        #expect(weights.scale(output: 1, group: 0) == 0 && weights.scale(output: 1, group: 1) == 4 / 127)
        // Activations: all ones with scale 1, zero point 0 → the sums of the quantized rows, scaled.
        var a = [UInt8](repeating: 0, count: weights.paddedK)
        for j in 0..<k { a[j] = 1 }
        var c = [Float](repeating: 0, count: n)
        Int8GEMM.multiply(a, rows: 1, scales: [1, 1], offsets: [0, 0], weights: weights, columns: 0..<n, into: &c, ldc: n, kernel: .scalar)
        // Row 0 group 0: 127 + round(0.50165) = 1, −1, 63.5 → 64 (ties to even), −127 → Σ 64.
        // Group 1: 63.5 → 64, −127, 31.75 → 32 → Σ −31.
        let (s0, s1): (Float, Float) = (2 / 127, 1 / 127)
        #expect(c[0] == Float(64) * s0 + Float(-31) * s1)
        #expect(c[1] == -127 * (4 / 127 as Float))
    }

    /// Quantized, the product approximates the Float32 one on realistic values (a LayerNorm-like
    /// input with an outlier channel and small Gaussian-like weights).
    @Test(arguments: Int8Kernel.supported)
    func approximatesTheFloatProduct(kernel: Int8Kernel) {
        var random = Random(state: 11)
        let (m, n, k) = (9, 70, 384)
        var a = (0..<(m * k)).map { _ in random.float() + random.float() + 0.3 }
        for i in 0..<m { a[i * k + 17] = 12 }  // an outlier channel
        let w = (0..<(n * k)).map { _ in (random.float() + random.float()) * 0.05 }
        let weights = Int8Weights(quantizing: w, n: n, k: k)
        let kp = weights.paddedK
        var q = [UInt8](repeating: 0, count: m * kp)
        var sa = [Float](repeating: 0, count: m * weights.groups)
        var sazp = sa
        Int8GEMM.quantizeRows(a, rows: m, k: k, lda: k, into: &q, paddedK: kp, scales: &sa, offsets: &sazp, kernel: kernel)
        var c = [Float](repeating: 0, count: m * n)
        Int8GEMM.multiply(q, rows: m, scales: sa, offsets: sazp, weights: weights, columns: 0..<n, into: &c, ldc: n, kernel: kernel)
        var worst: Float = 0
        for i in 0..<m {
            var dot: Float = 0, e2: Float = 0, r2: Float = 0
            for j in 0..<n {
                var r: Float = 0
                for t in 0..<k { r += a[i * k + t] * w[j * k + t] }
                dot += r * c[i * n + j]
                e2 += c[i * n + j] * c[i * n + j]
                r2 += r * r
            }
            worst = max(worst, 1 - dot / (e2 * r2).squareRoot())
        }
        #expect(worst < 1e-4, "\(kernel.name): 1 − cosine \(worst)")
    }

    @Test func kernelFromEnvironmentValue() throws {
        #expect(try Int8Kernel.selected(environmentValue: nil) == Int8Kernel.best)
        #expect(try Int8Kernel.selected(environmentValue: "") == Int8Kernel.best)
        #expect(try Int8Kernel.selected(environmentValue: "scalar") == .scalar)
        #expect(Int8Kernel(name: "avx512vnni") == .avx512VNNI && Int8Kernel(name: "AVX512-VNNI") == .avx512VNNI)
        #expect(Int8Kernel(name: "avxvnni") == .avxVNNI && Int8Kernel(name: "avx2") == .avx2)
        #expect(throws: Int8KernelError.unknown("sse9")) { try Int8Kernel.selected(environmentValue: "sse9") }
        for kernel in Int8Kernel.allCases where !kernel.isSupported {
            #expect(throws: Int8KernelError.unsupported(kernel)) { try Int8Kernel.selected(environmentValue: kernel.environmentName) }
        }
    }
}
