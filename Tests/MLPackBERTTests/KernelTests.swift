import Foundation
import Testing
@testable import MLPackBERT

@Suite struct KernelTests {
    @Test func geluMatchesExactErfForm() {
        var worst: Double = 0
        var x = [Float](stride(from: -10, through: 10, by: 0.001).map { Float($0) })
        let n = x.count
        let bias = [Float](repeating: 0, count: n)
        let input = x
        x.withUnsafeMutableBufferPointer { p in
            bias.withUnsafeBufferPointer { Kernels.biasGELU(p.baseAddress!, rows: 1, n: n, bias: $0.baseAddress!) }
        }
        for (v, g) in zip(input, x) {
            let d = Double(v)
            let exact = 0.5 * d * (1 + Foundation.erf(d / 2.0.squareRoot()))
            worst = max(worst, abs(exact - Double(g)))
        }
        #expect(worst < 1e-6, "GELU max |Δ| \(worst)")
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
