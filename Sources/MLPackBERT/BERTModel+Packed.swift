import MLPackGEMM

extension BERTModel {
    /// The Float32 weights of one encoder layer, packed for ``F32GEMM`` (nil: that linear layer runs
    /// in int8).
    struct PackedLayer: Sendable {
        let qkv: PackedWeights?  // [3d, d]
        let out: PackedWeights?  // [d, d]
        let up: PackedWeights?  // [f, d]
        let down: PackedWeights?  // [d, f]
    }

    /// The encoder's Float32 linear layers, packed once at load, and the kernel that runs them.
    /// OpenBLAS repacks its weight operand on every call: at the few rows of one short sentence that
    /// costs more than the arithmetic (measured on this repository's 2-vCPU Xeon, one thread, a
    /// 384 × 1152 product at 9 rows: OpenBLAS 32.6 GFLOP/s, packed 120.1); at thousands of rows the
    /// two are within 25 % either way (bench: `mlpack-bench gemm`).
    struct PackedEncoder: Sendable {
        let kernel: F32Kernel
        let layers: [PackedLayer]

        /// Packs every linear layer that `int8` did not quantize; the Float32 pages of `weights` it
        /// has packed are released as it goes (the packed copy is what runs).
        init(linears: [LinearWeights], configuration c: BERTConfiguration, int8: Int8Encoder?, weights file: SafeTensorsFile) {
            let d = c.hiddenSize
            let f = c.intermediateSize
            kernel = .best
            func pack(_ w: FloatTensor, n: Int, k: Int, quantized: Int8Weights?) -> PackedWeights? {
                guard quantized == nil else { return nil }
                defer { file.release(w) }
                return PackedWeights(packing: w.pointer, n: n, k: k)
            }
            layers = linears.enumerated().map { index, l in
                let q = int8?.layers[index]
                return PackedLayer(
                    qkv: pack(l.qkv, n: 3 * d, k: d, quantized: q?.qkv),
                    out: pack(l.out, n: d, k: d, quantized: q?.out),
                    up: pack(l.up, n: f, k: d, quantized: q?.up),
                    down: pack(l.down, n: d, k: f, quantized: q?.down))
            }
        }
    }

    /// The Float32 kernel of the linear layers.
    public var f32Kernel: F32Kernel { packed.kernel }

    /// `a[m×k] · wᵀ` on packed weights into `c` (row stride `w.n`), one block of output columns per
    /// thread, then `epilogue(block)` on that thread.
    @inline(__always)
    static func packedLinear(
        _ a: UnsafePointer<Float>, rows m: Int, weights w: PackedWeights, kernel: F32Kernel,
        into c: UnsafeMutablePointer<Float>, blocks: [Range<Int>], team: ThreadTeam, epilogue: (Range<Int>) -> Void
    ) {
        team.run(blocks.count) { j in
            F32GEMM.multiply(a, rows: m, lda: w.k, weights: w, columns: blocks[j], into: c, ldc: w.n, kernel: kernel)
            epilogue(blocks[j])
        }
    }
}
