import Foundation
import Testing
@testable import MLPackBERT
import MLPackGEMM

@Suite struct KernelTests {
    /// Every GELU kernel this CPU runs is within 1e-6 of the exact erf form in double precision, and
    /// all give the same bits, in whole vectors and in a row's tail (n = 20001: 16 and 8 do not
    /// divide it), with a bias and a leading dimension wider than the row.
    @Test func geluOfEveryKernelMatchesTheExactErfFormAndEachOther() {
        let n = 20001
        let ld = n + 3
        let input = [Float](stride(from: -10, through: 10, by: 0.001).prefix(n).map { Float($0) })
        let bias = (0..<n).map { Float($0 % 7) * 0.125 - 0.375 }
        var results: [[Float]] = []
        for kernel in MLPackGEMM.F32Kernel.supported {
            var x = [Float](repeating: .nan, count: 2 * ld)
            for row in 0..<2 { for j in 0..<n { x[row * ld + j] = input[j] - bias[j] + Float(row) * 0.0005 } }
            x.withUnsafeMutableBufferPointer { p in
                bias.withUnsafeBufferPointer {
                    Elementwise.biasGELU(p.baseAddress!, rows: 2, n: n, ld: ld, bias: $0.baseAddress!, kernel: kernel)
                }
            }
            var worst: Double = 0
            for row in 0..<2 {
                for j in 0..<n {
                    let v = Double(Float(input[j] - bias[j] + Float(row) * 0.0005) + bias[j])
                    let exact = 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
                    worst = max(worst, abs(exact - Double(x[row * ld + j])))
                }
                let padding = x[(row * ld + n)..<(row * ld + ld)]
                let untouched = padding.allSatisfy { $0.isNaN }
                #expect(untouched, "\(kernel): wrote past the row")
            }
            #expect(worst < 1e-6, "\(kernel): GELU max |Δ| \(worst)")
            results.append(x)
        }
        for (kernel, x) in zip(MLPackGEMM.F32Kernel.supported, results).dropFirst() {
            let same = zip(x, results[0]).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(same, "\(kernel) and scalar GELU differ")
        }
    }

    @Test func softmaxAndLayerNormMatchDoublePrecision() {
        var row: [Float] = (0..<37).map { Float(sin(Double($0)) * 7) }
        let input = row
        row.withUnsafeMutableBufferPointer { Kernels.softmax($0.baseAddress!, rows: 1, n: 37, ld: 37) }
        let m = input.map(Double.init).max()!
        let e = input.map { Foundation.exp(Double($0) - m) }
        let s = e.reduce(0, +)
        #expect(zip(row, e).allSatisfy { abs(Double($0) - $1 / s) < 1e-7 })

        var y: [Float] = (0..<40).map { Float($0) * 0.25 - 3 }
        let g = [Float](repeating: 1.5, count: 40)
        let b = [Float](repeating: 0.5, count: 40)
        let yin = y.map(Double.init)
        y.withUnsafeMutableBufferPointer {
            Kernels.layerNorm($0.baseAddress!, rows: 1, n: 40, bias: nil, residual: nil, gamma: g, beta: b, eps: 1e-12)
        }
        let mean = yin.reduce(0, +) / 40
        let sd = (yin.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 40).squareRoot()
        #expect(zip(y, yin).allSatisfy { abs(Double($0) - (($1 - mean) / sd * 1.5 + 0.5)) < 1e-5 })
    }

    @Test func biasKernelsHandleRowTails() {
        // 2 rows of 19 (one SIMD16 block plus a 3-element tail).
        var x: [Float] = (0..<38).map { Float($0) - 20 }
        let bias: [Float] = (0..<19).map { Float($0) * 0.5 }
        let input = x
        x.withUnsafeMutableBufferPointer { Kernels.biasReLU($0.baseAddress!, rows: 2, n: 19, bias: bias) }
        #expect(x == input.enumerated().map { max(0, $1 + bias[$0 % 19]) })
        x = input
        x.withUnsafeMutableBufferPointer { Kernels.addBias($0.baseAddress!, rows: 2, n: 19, bias: bias) }
        #expect(x == input.enumerated().map { $1 + bias[$0 % 19] })
    }
}
