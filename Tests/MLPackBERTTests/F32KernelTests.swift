import MLPackGEMM
import Testing

/// The Float32 kernels on packed weights: every kernel this CPU runs gives the reference bits (fused
/// multiply-adds over k in order), on odd shapes and the encoder's.
@Suite struct F32KernelTests {
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 16, 4), (2, 17, 5), (7, 47, 66), (6, 64, 64), (11, 65, 129), (13, 100, 383), (37, 384, 384),
        (9, 1536, 387), (4, 384, 1536), (200, 70, 33),
    ]

    @Test(arguments: F32Kernel.allCases)
    func everyKernelGivesTheReferenceBits(kernel: F32Kernel) {
        guard kernel.isSupported else {
            print("F32KernelTests: \(kernel.name) not run (this CPU does not support it)")
            return
        }
        var random = Int8KernelTests.Random(state: 5 &+ UInt64(kernel.rawValue))
        for (m, n, k) in Self.shapes {
            let lda = k + 3
            let a = (0..<(m * lda)).map { _ in random.float() }
            let w = (0..<(n * k)).map { _ in random.float() * 0.1 }
            let packed = PackedWeights(packing: w, n: n, k: k)
            var expected = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var s: Float = 0
                    for x in 0..<k { s = s.addingProduct(a[i * lda + x], w[j * k + x]) }
                    expected[i * n + j] = s
                }
            }
            let split = n / 2 / 16 * 16
            let blocks = split > 0 ? [0..<split, split..<n] : [0..<n]
            var c = [Float](repeating: .nan, count: m * n)
            for block in blocks {
                F32GEMM.multiply(a, rows: m, lda: lda, weights: packed, columns: block, into: &c, ldc: n, kernel: kernel)
            }
            let same = zip(c, expected).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(same, "\(kernel.name) m \(m) n \(n) k \(k)")
        }
        print("F32KernelTests: \(kernel.name) gives the reference bits on \(Self.shapes.count) shapes")
    }

    @Test func kernelsThisCPURuns() {
        print("F32KernelTests: this CPU runs \(F32Kernel.supported.map(\.name)); best \(F32Kernel.best.name)")
        #expect(F32Kernel.supported.first == .scalar && F32Kernel.best.isSupported)
    }
}
