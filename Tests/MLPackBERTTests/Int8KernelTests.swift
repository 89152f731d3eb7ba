import Foundation
import MLPackInt8
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

    /// (m, n, k): odd rows, n not a multiple of 16, k not a multiple of 4, and the encoder's shapes.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 16, 4), (2, 17, 5), (3, 31, 7), (5, 33, 13), (7, 47, 66), (6, 64, 64), (11, 65, 129),
        (13, 100, 383), (25, 130, 31), (37, 384, 384), (9, 1536, 387), (4, 384, 1536),
    ]

    @Test func kernelsThisCPURuns() {
        print("Int8KernelTests: this CPU runs \(Int8Kernel.supported.map(\.name)); best \(Int8Kernel.best.name)")
        #expect(Int8Kernel.supported.first == .scalar)
        #expect(Int8Kernel.best.isSupported)
    }

    @Test(arguments: Int8Kernel.allCases)
    func exactInt32Sums(kernel: Int8Kernel) throws {
        guard kernel.isSupported else {
            print("Int8KernelTests: \(kernel.name) not run (this CPU does not support it)")
            return
        }
        var random = Random(state: 42 &+ UInt64(kernel.rawValue))
        for (m, n, k) in Self.shapes {
            // Extremes included: weights −127…127, activations 0…255 (q = −128…127).
            let w = (0..<(n * k)).map { _ in Int8(random.int(-127...127)) }
            let scalesW = (0..<n).map { _ in abs(random.float()) + 0.01 }
            let weights = Int8Weights(quantized: w, scales: scalesW, n: n, k: k)
            let kp = weights.paddedK
            #expect(kp % 4 == 0 && kp >= k && kp < k + 4)
            var a = [UInt8](repeating: 128, count: m * kp)
            for i in 0..<m { for j in 0..<k { a[i * kp + j] = UInt8(random.int(0...255)) } }
            let scalesA = (0..<m).map { _ in abs(random.float()) + 0.01 }
            var reference = [Int32](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var s: Int32 = 0
                    for t in 0..<k { s += (Int32(a[i * kp + t]) - 128) * Int32(w[j * k + t]) }
                    reference[i * n + j] = s
                }
            }
            // As the encoder's threads do: blocks of columns whose inner bounds are multiples of 16.
            let split = n / 2 / 16 * 16
            let blocks = split > 0 ? [0..<split, split..<n] : [0..<n]
            var exact = [Int32](repeating: .min, count: m * n)
            var scaled = [Float](repeating: .nan, count: m * n)
            for block in blocks {
                Int8GEMM.multiplyExact(a, rows: m, weights: weights, columns: block, into: &exact, ldc: n, kernel: kernel)
                Int8GEMM.multiply(a, rows: m, scales: scalesA, weights: weights, columns: block, into: &scaled, ldc: n, kernel: kernel)
            }
            #expect(exact == reference, "\(kernel.name) m \(m) n \(n) k \(k)")
            let expected = (0..<(m * n)).map { Float(reference[$0]) * scalesA[$0 / n] * scalesW[$0 % n] }
            #expect(scaled == expected, "\(kernel.name) scaled m \(m) n \(n) k \(k)")
        }
        print("Int8KernelTests: \(kernel.name) equals the int32 reference on \(Self.shapes.count) shapes")
    }

    /// Writes only its columns: a block leaves the other columns of the output alone.
    @Test(arguments: Int8Kernel.supported)
    func writesOnlyItsColumns(kernel: Int8Kernel) {
        let (m, n, k) = (3, 40, 9)
        let weights = Int8Weights(quantized: [Int8](repeating: 1, count: n * k), scales: [Float](repeating: 1, count: n), n: n, k: k)
        let a = [UInt8](repeating: 129, count: m * weights.paddedK)
        var c = [Int32](repeating: -7, count: m * n)
        Int8GEMM.multiplyExact(a, rows: m, weights: weights, columns: 16..<33, into: &c, ldc: n, kernel: kernel)
        for i in 0..<m {
            for j in 0..<n { #expect(c[i * n + j] == ((16..<33).contains(j) ? Int32(k) : -7), "\(kernel.name) \(i),\(j)") }
        }
    }

    @Test func quantizesRowsPerRow() {
        var random = Random(state: 7)
        let (m, k, lda) = (5, 13, 15)
        var a = (0..<(m * lda)).map { _ in random.float() * 3 }
        a.replaceSubrange(lda..<(lda + k), with: [Float](repeating: 0, count: k))  // a zero row
        a[2 * lda + 3] = -10  // the maximum is negative
        let kp = 16
        var q = [UInt8](repeating: 0, count: m * kp)
        var scales = [Float](repeating: -1, count: m)
        Int8GEMM.quantizeRows(a, rows: m, k: k, lda: lda, into: &q, paddedK: kp, scales: &scales)
        for i in 0..<m {
            let row = a[(i * lda)..<(i * lda + k)]
            let maxAbs = row.map(abs).max()!
            #expect(scales[i] == maxAbs / 127)
            let inv: Float = maxAbs > 0 ? 127 / maxAbs : 0
            for j in 0..<k {
                let v = Int(min(127, max(-127, row[i * lda + j] * inv)).rounded(.toNearestOrEven))
                #expect(Int(q[i * kp + j]) == v + 128, "row \(i) column \(j)")
            }
            for j in k..<kp { #expect(q[i * kp + j] == 128) }
        }
        #expect(q[2 * kp + 3] == 1)  // −127 + 128
        #expect(scales[1] == 0 && q[kp..<(kp + k)].allSatisfy { $0 == 128 })
    }

    @Test func quantizesWeightsPerOutputChannel() {
        let (n, k) = (3, 5)
        let w: [Float] = [0.5, -1, 0.25, 0, 1, /**/ 0, 0, 0, 0, 0, /**/ 2, 0.0079, -0.0079, 1.0, -2]
        let weights = Int8Weights(quantizing: w, n: n, k: k)
        let scales = Array(UnsafeBufferPointer(start: weights.scales, count: n))
        let expectedScales: [Float] = [Float(1) / 127, 0, Float(2) / 127]
        #expect(scales == expectedScales)
        // Row 2: 2 · 63.5 = 127, 0.0079 · 63.5 = 0.50165 → 1, 1 · 63.5 = 63.5 → 64 (ties to even).
        let a = [UInt8](repeating: 128, count: 8).enumerated().map { $0.offset < k ? UInt8(129) : 128 }
        var c = [Int32](repeating: 0, count: n)
        Int8GEMM.multiplyExact(a, rows: 1, weights: weights, columns: 0..<n, into: &c, ldc: n, kernel: .scalar)
        let row0: Int32 = 64 - 127 + 32 + 0 + 127
        let row2: Int32 = 127 + 1 - 1 + 64 - 127
        #expect(c == [row0, 0, row2])
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
