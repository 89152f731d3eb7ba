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

    /// Softmax and LayerNorm of every kernel this CPU runs match double precision and give the same
    /// bits, for rows shorter than one vector, with tails, and the model's widths.
    @Test(arguments: [5, 37, 40, 384, 1001])
    func softmaxAndLayerNormOfEveryKernelMatchDoublePrecision(n: Int) {
        let rows = 3
        let ld = n + 2
        let input: [Float] = (0..<(rows * ld)).map { Float(sin(Double($0)) * 7) }
        let bias: [Float] = (0..<n).map { Float(cos(Double($0))) }
        let residual: [Float] = (0..<(rows * n)).map { Float($0 % 11) * 0.1 - 0.5 }
        let gamma: [Float] = (0..<n).map { 1 + Float($0 % 5) * 0.25 }
        let beta: [Float] = (0..<n).map { Float($0 % 3) * 0.5 - 0.5 }
        var softmaxes: [[Float]] = []
        var norms: [[Float]] = []
        for kernel in MLPackGEMM.F32Kernel.supported {
            var x = input
            x.withUnsafeMutableBufferPointer { Elementwise.softmax($0.baseAddress!, rows: rows, n: n, ld: ld, kernel: kernel) }
            var y = Array(input.prefix(rows * n))
            y.withUnsafeMutableBufferPointer {
                Elementwise.layerNorm(
                    $0.baseAddress!, rows: rows, n: n, bias: bias, residual: residual, gamma: gamma, beta: beta,
                    eps: 1e-12, kernel: kernel)
            }
            var worstSoftmax = 0.0
            var worstNorm = 0.0
            for r in 0..<rows {
                let v = (0..<n).map { Double(input[r * ld + $0]) }
                let m = v.max()!
                let e = v.map { Foundation.exp($0 - m) }
                let s = e.reduce(0, +)
                for j in 0..<n { worstSoftmax = max(worstSoftmax, abs(Double(x[r * ld + j]) - e[j] / s)) }
                let padding = x[(r * ld + n)..<(r * ld + ld)]
                let untouched = zip(padding, input[(r * ld + n)..<(r * ld + ld)]).allSatisfy { $0 == $1 }
                #expect(untouched, "\(kernel): softmax wrote past the row")
                let u = (0..<n).map { Double(input[r * n + $0] + bias[$0] + residual[r * n + $0]) }
                let mean = u.reduce(0, +) / Double(n)
                let sd = (u.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
                for j in 0..<n {
                    let exact = (u[j] - mean) / sd * Double(gamma[j]) + Double(beta[j])
                    worstNorm = max(worstNorm, abs(Double(y[r * n + j]) - exact))
                }
            }
            #expect(worstSoftmax < 1e-7, "\(kernel), n \(n): softmax max |Δ| \(worstSoftmax)")
            #expect(worstNorm < 1e-5, "\(kernel), n \(n): LayerNorm max |Δ| \(worstNorm)")
            softmaxes.append(x)
            norms.append(y)
        }
        for (index, kernel) in MLPackGEMM.F32Kernel.supported.enumerated().dropFirst() {
            let sameSoftmax = zip(softmaxes[index], softmaxes[0]).allSatisfy { $0.bitPattern == $1.bitPattern }
            let sameNorm = zip(norms[index], norms[0]).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(sameSoftmax, "\(kernel) and scalar softmax differ, n \(n)")
            #expect(sameNorm, "\(kernel) and scalar LayerNorm differ, n \(n)")
        }
    }

    /// Short attention of every kernel this CPU runs matches attention in double precision and
    /// gives the same bits, with a head size that is not a multiple of 16 and MPNet's relative bias.
    @Test(arguments: [(1, 32, false), (9, 32, true), (17, 24, false), (48, 64, true)])
    func shortAttentionOfEveryKernelMatchesDoublePrecision(n: Int, dh: Int, withBias: Bool) {
        let heads = 3
        let d = heads * dh
        let qkv: [Float] = (0..<(n * 3 * d)).map { Float(sin(Double($0) * 0.37)) }
        let stride = 2 * n + 1
        let bias: [Float] = (0..<(heads * stride)).map { Float(cos(Double($0))) * 0.5 }
        let scale = 1 / Float(dh).squareRoot()
        var results: [[Float]] = []
        for kernel in MLPackGEMM.F32Kernel.supported {
            var context = [Float](repeating: .nan, count: n * d)
            context.withUnsafeMutableBufferPointer { out in
                bias.withUnsafeBufferPointer { b in
                    Elementwise.shortAttention(
                        qkv: qkv, n: n, hidden: d, heads: heads, only: 0..<heads, scale: scale, context: out.baseAddress!,
                        relativeBias: withBias ? b.baseAddress! + n : nil, biasStride: stride, kernel: kernel)
                }
            }
            var worst = 0.0
            for h in 0..<heads {
                for i in 0..<n {
                    var scores = (0..<n).map { j in
                        (0..<dh).reduce(0.0) { $0 + Double(qkv[i * 3 * d + h * dh + $1]) * Double(qkv[j * 3 * d + d + h * dh + $1]) }
                            * Double(scale) + (withBias ? Double(bias[h * stride + n + j - i]) : 0)
                    }
                    let m = scores.max()!
                    scores = scores.map { Foundation.exp($0 - m) }
                    let sum = scores.reduce(0, +)
                    for c in 0..<dh {
                        let exact = (0..<n).reduce(0.0) { $0 + scores[$1] / sum * Double(qkv[$1 * 3 * d + 2 * d + h * dh + c]) }
                        worst = max(worst, abs(exact - Double(context[i * d + h * dh + c])))
                    }
                }
            }
            #expect(worst < 1e-5, "\(kernel), n \(n), dh \(dh): max |Δ| \(worst)")
            results.append(context)
        }
        for (index, kernel) in MLPackGEMM.F32Kernel.supported.enumerated().dropFirst() {
            let same = zip(results[index], results[0]).allSatisfy { $0.bitPattern == $1.bitPattern }
            #expect(same, "\(kernel) and scalar attention differ, n \(n), dh \(dh)")
        }
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
