import MLPackGEMM

extension BERTModel {
    /// The arithmetic of the encoder's linear layers.
    public enum Precision: String, Sendable, Hashable, CaseIterable {
        /// Float32 throughout (linear layers on packed weights, ``F32GEMM``).
        case fp32
        /// The four linear layers of each encoder layer in int8: weights quantized once at load
        /// per output channel and group of 64 inputs (symmetric), activations on every call per
        /// token and group of 64 (asymmetric), int32 accumulation within a group, Float32 across
        /// groups. Embeddings, biases, GELU, LayerNorm, attention and pooling stay Float32.
        case int8
    }

    /// The four linear layers of an encoder layer.
    enum Linear: Sendable, Hashable, CaseIterable {
        case qkv, out, up, down
    }

    /// The int8 weights of one encoder layer (same shapes as the Float32 ones); nil: that layer runs
    /// in Float32.
    struct Int8Layer: Sendable {
        let qkv: Int8Weights?  // [3d, d]
        let out: Int8Weights?  // [d, d]
        let up: Int8Weights?  // [f, d]
        let down: Int8Weights?  // [d, f]
    }

    /// The int8 form of the encoder's linear layers and the kernel that runs them.
    struct Int8Encoder: Sendable {
        let kernel: Int8Kernel
        let layers: [Int8Layer]
        /// The longest padded row of quantized activations (`max(d, f)` rounded up to a group).
        let rowWidth: Int

        /// Quantizes the `linears` of every layer; the Float32 pages of `weights` it has quantized are
        /// released as it goes (int8 peaks below Float32 in resident memory).
        init(
            linears fp32: [LinearWeights], configuration c: BERTConfiguration, kernel: Int8Kernel,
            quantizing linears: Set<Linear>, weights file: SafeTensorsFile
        ) {
            let d = c.hiddenSize
            let f = c.intermediateSize
            self.kernel = kernel
            func quantize(_ linear: Linear, _ w: FloatTensor, n: Int, k: Int) -> Int8Weights? {
                guard linears.contains(linear) else { return nil }
                defer { file.release(w) }
                return Int8Weights(quantizing: w.pointer, n: n, k: k)
            }
            layers = fp32.map { l in
                Int8Layer(
                    qkv: quantize(.qkv, l.qkv, n: 3 * d, k: d),
                    out: quantize(.out, l.out, n: d, k: d),
                    up: quantize(.up, l.up, n: f, k: d),
                    down: quantize(.down, l.down, n: d, k: f))
            }
            rowWidth = (max(d, f) + Int8GEMM.group - 1) / Int8GEMM.group * Int8GEMM.group
        }

    }

    /// The precision of the linear layers.
    public var precision: Precision { int8 == nil ? .fp32 : .int8 }

    /// The int8 kernel in use (nil in Float32).
    public var int8Kernel: Int8Kernel? { int8?.kernel }

    /// The kernel an int8 encoder uses: `requested`, else `MLPACK_INT8_KERNEL`, else the best this
    /// CPU runs.
    static func int8Kernel(requested: Int8Kernel?) throws -> Int8Kernel {
        if let requested {
            guard requested.isSupported else {
                throw BERTError.invalidArgument(
                    name: "int8 kernel", expected: "one this CPU runs (\(Int8Kernel.supported.map(\.name).joined(separator: ", "))), found \(requested.name)")
            }
            return requested
        }
        do { return try Int8Kernel.selected() } catch {
            throw BERTError.invalidArgument(name: Int8Kernel.environmentVariable, expected: "\(error)")
        }
    }

    /// `a[m×k] · wᵀ` in int8 into `c` (row stride `w.n`): the rows of `a` are quantized first (divided
    /// among the blocks' threads by rows), then each thread multiplies one block of output columns
    /// and runs `epilogue(block)`, as ``linear(_:rows:k:weight:n:into:blocks:epilogue:)`` does.
    @inline(__always)
    static func int8Linear(
        _ a: UnsafePointer<Float>, rows m: Int, weights w: Int8Weights, kernel: Int8Kernel,
        into c: UnsafeMutablePointer<Float>, blocks: [Range<Int>], team: ThreadTeam, workspace ws: Workspace,
        epilogue: (Range<Int>) -> Void
    ) {
        let q = ws.int8Rows.pointer
        let s = ws.int8Scales.pointer
        let z = ws.int8Offsets.pointer
        let g = w.groups
        let parts = min(blocks.count, m)
        team.run(parts) { j in
            let r0 = m * j / parts
            let r1 = m * (j + 1) / parts
            Int8GEMM.quantizeRows(
                a + r0 * w.k, rows: r1 - r0, k: w.k, lda: w.k, into: q + r0 * w.paddedK, paddedK: w.paddedK,
                scales: s + r0 * g, offsets: z + r0 * g, kernel: kernel)
        }
        team.run(blocks.count) { j in
            Int8GEMM.multiply(
                q, rows: m, scales: s, offsets: z, weights: w, columns: blocks[j], into: c, ldc: w.n, kernel: kernel)
            epilogue(blocks[j])
        }
    }

    /// One linear layer of the encoder: in int8 when it was quantized, else on its packed Float32
    /// weights.
    @inline(__always)
    func project(
        _ a: UnsafePointer<Float>, rows m: Int, quantized: Int8Weights?, packed: PackedWeights?,
        into c: UnsafeMutablePointer<Float>, blocks: [Range<Int>], team: ThreadTeam, workspace ws: Workspace,
        epilogue: (Range<Int>) -> Void = { _ in }
    ) {
        if let quantized, let int8 {
            Self.int8Linear(a, rows: m, weights: quantized, kernel: int8.kernel, into: c, blocks: blocks, team: team, workspace: ws, epilogue: epilogue)
        } else {
            Self.packedLinear(a, rows: m, weights: packed!, kernel: self.packed.kernel, into: c, blocks: blocks, team: team, epilogue: epilogue)
        }
    }
}
