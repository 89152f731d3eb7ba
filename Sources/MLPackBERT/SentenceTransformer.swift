import Foundation
import MLPackBLAS
import MLPackGEMM
import MLPackTokenizer

/// A sentence-transformers model (Transformer → Pooling → optional Dense → optional Normalize)
/// loaded from its directory and run natively: tokenizer in Swift, BERT on OpenBLAS, Float32 (or
/// the encoder's linear layers in int8, ``BERTModel/Precision/int8``).
public final class SentenceTransformer: @unchecked Sendable {
    /// How the threads of one `encode` call are used. OpenBLAS itself always runs single-threaded
    /// (its thread count is process-wide): the threads are the encoder's own, so concurrent `encode`
    /// calls each use their own threads and never wait for one another.
    public enum Threading: String, Sendable, CaseIterable {
        /// Per batch: split the batch across threads when each part is large enough, else `blas`.
        case automatic
        /// One pass over the batch whose matrix products are divided among the threads by blocks of
        /// output features, and attention by (sentence, head).
        case blas
        /// The sentences of a batch are divided among threads (each group a pass of its own).
        case splitBatch
    }

    public let directory: URL
    public let encoder: BERTModel
    public let tokenizer: any TextTokenizer
    public let pooling: Pooling
    let dense: [DenseLayer]
    /// Whether the model ends with a Normalize module.
    public let normalizesOutput: Bool
    /// Default truncation length in tokens, including `[CLS]` and `[SEP]`.
    public let maxSeqLength: Int
    /// sentence_bert_config.json `do_lower_case`: texts are lower-cased before tokenization.
    public let doLowerCase: Bool
    /// Threads used by an `encode` call that does not pass `threads`.
    public let threadCount: Int
    public let threading: Threading
    let weights: SafeTensorsFile

    /// Width of the output embeddings.
    public var dimension: Int {
        dense.last?.outFeatures ?? pooling.outputSize(hidden: encoder.configuration.hiddenSize)
    }

    /// Loads a sentence-transformers directory (the layout `SentenceTransformer.save` writes).
    /// - Parameters:
    ///   - threads: threads for `encode` (default: the processor count, at most 64).
    ///   - threading: how those threads are used.
    ///   - precision: the encoder's linear layers in Float32 (default) or int8 (quantized here, once;
    ///     the files stay Float32).
    ///   - int8Kernel: the int8 kernel (default: `MLPACK_INT8_KERNEL`, else the best this CPU runs).
    public static func load(
        directory: URL, threads: Int? = nil, threading: Threading = .automatic, precision: BERTModel.Precision = .fp32,
        int8Kernel: Int8Kernel? = nil
    ) throws -> SentenceTransformer {
        try SentenceTransformer(
            directory: directory, threads: threads, threading: threading, precision: precision, int8Kernel: int8Kernel,
            int8Linears: Set(BERTModel.Linear.allCases))
    }

    /// The precision of the encoder's linear layers.
    public var precision: BERTModel.Precision { encoder.precision }

    init(
        directory: URL, threads: Int?, threading: Threading, precision: BERTModel.Precision, int8Kernel: Int8Kernel?,
        int8Linears: Set<BERTModel.Linear>
    ) throws {
        self.directory = directory
        self.threading = threading
        let available = ProcessInfo.processInfo.activeProcessorCount
        guard threads.map({ (1...256).contains($0) }) ?? true else {
            throw BERTError.invalidArgument(name: "threads", expected: "1...256")
        }
        threadCount = threads ?? min(64, max(1, available))
        // Parallelism is the encoder's own (`plan`); OpenBLAS runs each product on the calling thread.
        BLAS.useSingleThreadedKernels()

        let modules = try Self.readModules(directory)
        guard let transformer = modules.first, transformer.kind == .transformer else {
            throw BERTError.invalidValue(file: "modules.json", key: "[0].type", expected: "a Transformer module first")
        }
        let root = transformer.url
        let config = try BERTConfiguration(url: root.appendingPathComponent("config.json"))
        let stURL = root.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: stURL.path) else {
            if FileManager.default.fileExists(atPath: root.appendingPathComponent("pytorch_model.bin").path) {
                throw BERTError.pickleWeightsOnly(directory: root.path)
            }
            throw BERTError.unreadable(file: "model.safetensors", reason: "no such file in \(root.path)")
        }
        weights = try SafeTensorsFile(url: stURL)
        encoder = try BERTModel(
            configuration: config, weights: weights, precision: precision, int8Kernel: int8Kernel, int8Linears: int8Linears)
        do {
            // The vocabulary may not outgrow the embeddings: counted in the files before it is built.
            tokenizer = try Tokenizers.load(directory: root, maxVocabularySize: config.vocabSize)
        } catch let e as TokenizerError {
            throw BERTError.unreadable(file: "tokenizer", reason: e.description)
        }
        guard tokenizer.vocabularySize <= config.vocabSize else {
            throw BERTError.invalidValue(
                file: "config.json", key: "vocab_size",
                expected: "at least the tokenizer's \(tokenizer.vocabularySize) tokens, found \(config.vocabSize)")
        }

        // max_seq_length: sentence_bert_config.json, else tokenizer_config.json model_max_length,
        // capped at what the position table covers (max_position_embeddings, less padding index + 1
        // for RoBERTa-style positions).
        var maxLength = config.maxSequenceLength
        var lower = false
        let sbURL = root.appendingPathComponent("sentence_bert_config.json")
        var fromSB = false
        if FileManager.default.fileExists(atPath: sbURL.path) {
            let sb = try JSONFile(url: sbURL)
            lower = try sb.bool("do_lower_case", default: false)
            if sb.has("max_seq_length") {
                maxLength = min(maxLength, try sb.int("max_seq_length", in: 1...Int(Int32.max)))
                fromSB = true
            }
        }
        let tcURL = root.appendingPathComponent("tokenizer_config.json")
        if !fromSB, FileManager.default.fileExists(atPath: tcURL.path) {
            let tc = try JSONFile(url: tcURL)
            if let n = tc.object["model_max_length"] as? NSNumber, n.doubleValue >= 1 {
                maxLength = Int(min(Double(maxLength), n.doubleValue))
            }
        }
        maxSeqLength = maxLength
        doLowerCase = lower

        var pooling = Pooling(modes: [.mean])
        var dense: [DenseLayer] = []
        var normalize = false
        var width = config.hiddenSize
        for (i, m) in modules.enumerated().dropFirst() {
            switch m.kind {
            case .transformer:
                throw BERTError.unsupported(file: "modules.json", key: "[\(i)].type", value: "a second Transformer")
            case .pooling:
                let json = try JSONFile(url: m.url.appendingPathComponent("config.json"), name: m.path + "/config.json")
                pooling = try Pooling(json: json, hiddenSize: config.hiddenSize)
                width = pooling.outputSize(hidden: config.hiddenSize)
            case .dense:
                let layer = try DenseLayer(directory: m.url, label: m.path)
                guard layer.inFeatures == width else {
                    throw BERTError.invalidValue(
                        file: m.path + "/config.json", key: "in_features", expected: "\(width), found \(layer.inFeatures)")
                }
                width = layer.outFeatures
                dense.append(layer)
            case .normalize:
                normalize = true
            }
        }
        self.pooling = pooling
        self.dense = dense
        normalizesOutput = normalize
    }

    /// Tokenizes texts as `encode` does.
    public func tokenize(_ texts: [String], maxSeqLength: Int? = nil) throws -> [TokenizedText] {
        let limit = try checkedLength(maxSeqLength)
        return texts.map { tokenizer.encode(doLowerCase ? $0.lowercased() : $0, maxLength: limit) }
    }

    private func checkedLength(_ maxSeqLength: Int?) throws -> Int {
        let limit = maxSeqLength ?? self.maxSeqLength
        let cap = encoder.configuration.maxSequenceLength
        guard (2...cap).contains(limit) else {
            throw BERTError.invalidArgument(
                name: "maxSeqLength", expected: "2...\(cap) (the position table's length), found \(limit)")
        }
        return limit
    }

    /// Embeds `texts`: `[texts.count, dimension]` Float32, like sentence-transformers' `encode`.
    /// - Parameters:
    ///   - batchSize: texts run through the encoder together (their tokens are packed, no padding).
    ///   - normalize: also L2-normalise each embedding (`normalize_embeddings`); a model that ends in a
    ///     Normalize module is normalised either way.
    ///   - maxSeqLength: truncation length in tokens including `[CLS]`/`[SEP]` (default: the model's).
    ///   - threads: threads of this call, `1...256` (default: `threadCount`).
    ///
    /// Thread-safe: concurrent calls (on one model or several) run at the same time, each on its own
    /// threads and buffers; the results do not depend on what else runs.
    public func encode(
        _ texts: [String], batchSize: Int = 32, normalize: Bool = false, maxSeqLength: Int? = nil, threads: Int? = nil
    ) throws -> EmbeddingMatrix {
        guard batchSize >= 1 else { throw BERTError.invalidArgument(name: "batchSize", expected: "at least 1") }
        guard threads.map({ (1...256).contains($0) }) ?? true else {
            throw BERTError.invalidArgument(name: "threads", expected: "1...256")
        }
        let threads = threads ?? threadCount
        let limit = try checkedLength(maxSeqLength)
        return run(count: texts.count, batchSize: batchSize, normalize: normalize, threads: threads) {
            tokenizer.encode(doLowerCase ? texts[$0].lowercased() : texts[$0], maxLength: limit)
        }
    }

    /// Embeds sequences already tokenized (ids including the special tokens, e.g. from another
    /// tokenizer): the encoder, pooling, Dense and Normalize modules as `encode` runs them.
    /// Every id must be below the model's `vocab_size` and every sequence hold
    /// `1...maxSequenceLength` ids (no truncation here).
    public func encode(
        tokenIds: [[Int32]], batchSize: Int = 32, normalize: Bool = false, threads: Int? = nil
    ) throws -> EmbeddingMatrix {
        guard batchSize >= 1 else { throw BERTError.invalidArgument(name: "batchSize", expected: "at least 1") }
        guard threads.map({ (1...256).contains($0) }) ?? true else {
            throw BERTError.invalidArgument(name: "threads", expected: "1...256")
        }
        let c = encoder.configuration
        for (i, ids) in tokenIds.enumerated() {
            guard (1...c.maxSequenceLength).contains(ids.count) else {
                throw BERTError.invalidArgument(
                    name: "tokenIds[\(i)]", expected: "1...\(c.maxSequenceLength) ids, found \(ids.count)")
            }
            if let bad = ids.first(where: { $0 < 0 || Int($0) >= c.vocabSize }) {
                throw BERTError.invalidArgument(
                    name: "tokenIds[\(i)]", expected: "ids in 0..<\(c.vocabSize) (vocab_size), found \(bad)")
            }
        }
        return run(count: tokenIds.count, batchSize: batchSize, normalize: normalize, threads: threads ?? threadCount) {
            TokenizedText(ids: tokenIds[$0], truncated: false)
        }
    }

    /// Runs `count` inputs (`input(i)` tokenizes input `i`) in batches of `batchSize`.
    private func run(
        count: Int, batchSize: Int, normalize: Bool, threads: Int, input: (Int) -> TokenizedText
    ) -> EmbeddingMatrix {
        let dim = dimension
        var out = [Float](repeating: 0, count: count * dim)
        // This call's buffers (allocated on first use): nothing mutable is shared between calls.
        let workspaces = (0..<threads).map { _ in
            Workspace(
                hidden: encoder.configuration.hiddenSize, intermediate: encoder.configuration.intermediateSize,
                heads: encoder.configuration.numHeads)
        }
        var start = 0
        while start < count {
            let end = min(count, start + batchSize)
            let batch = (start..<end).map(input)
            out.withUnsafeMutableBufferPointer { buf in
                runBatch(batch, into: buf.baseAddress! + start * dim, threads: threads, workspaces: workspaces)
            }
            start = end
        }
        if normalize || normalizesOutput {
            out.withUnsafeMutableBufferPointer { buf in
                for r in 0..<count { Self.l2Normalize(buf.baseAddress! + r * dim, count: dim) }
            }
        }
        return EmbeddingMatrix(rows: count, dimension: dim, values: out)
    }

    /// How one batch uses the threads (OpenBLAS is single-threaded in every plan).
    enum Plan: Equatable {
        /// Divide the sentences among this many threads (contiguous groups of about equal tokens,
        /// each one pass).
        case split(Int)
        /// One pass whose products are divided among this many threads by output columns.
        case shared(Int)
    }

    /// Automatic mode, from measurements on 2 cores (`mlpack-bench lengths`): batches of enough
    /// tokens are split by sentence (attention, GELU and LayerNorm then run in parallel too); a
    /// short batch or one sentence shares its products among the threads of a ``ThreadTeam``
    /// (one sentence of 8 tokens: 3.5 ms on one thread, 1.9 ms shared by two; 256 tokens: 70 and 51).
    func plan(_ lengths: [Int], threads: Int) -> Plan {
        let tokens = lengths.reduce(0, +)
        let parts = min(threads, lengths.count)
        switch threading {
        case .blas: return .shared(threads)
        case .splitBatch: return parts > 1 ? .split(parts) : .shared(threads)
        case .automatic:
            if parts > 1 && tokens >= 24 * parts { return .split(parts) }
            return .shared(threads)
        }
    }

    private func runBatch(
        _ batch: [TokenizedText], into out: UnsafeMutablePointer<Float>, threads: Int, workspaces: [Workspace]
    ) {
        let lengths = batch.map(\.count)
        switch plan(lengths, threads: threads) {
        case .split(let parts):
            // Contiguous groups with about equal token counts.
            let total = lengths.reduce(0, +)
            var bounds = [0]
            var acc = 0
            for (i, n) in lengths.enumerated() {
                acc += n
                if bounds.count < parts && acc * parts >= total * bounds.count && i + 1 < batch.count {
                    bounds.append(i + 1)
                }
            }
            bounds.append(batch.count)
            let groups = bounds.count - 1
            // Threads left over when there are fewer groups than threads share each group's pass.
            let inner = max(1, threads / groups)
            parallelFor(groups) { g in
                runGroup(batch[bounds[g]..<bounds[g + 1]], into: out + bounds[g] * dimension,
                         threads: inner, workspace: workspaces[g])
            }
        case .shared(let threads):
            runGroup(batch[...], into: out, threads: threads, workspace: workspaces[0])
        }
    }

    /// Encoder, pooling and Dense layers for consecutive texts of one batch, on `threads` threads.
    private func runGroup(
        _ group: ArraySlice<TokenizedText>, into out: UnsafeMutablePointer<Float>, threads: Int, workspace: Workspace
    ) {
        guard !group.isEmpty else { return }
        let lengths = group.map(\.count)
        var ids: [Int32] = []
        ids.reserveCapacity(lengths.reduce(0, +))
        for t in group { ids.append(contentsOf: t.ids) }
        ids.withUnsafeBufferPointer {
            encoder.forward(ids: $0, lengths: lengths[...], workspace: workspace, threads: threads)
        }
        let d = encoder.configuration.hiddenSize
        let pooledWidth = pooling.outputSize(hidden: d)
        var pooled = dense.isEmpty ? [] : [Float](repeating: 0, count: group.count * pooledWidth)
        var offset = 0
        for (i, n) in lengths.enumerated() {
            let rows = UnsafePointer(workspace.x.pointer + offset * d)
            if dense.isEmpty {
                pooling.pool(rows, n: n, d: d, into: out + i * pooledWidth)
            } else {
                pooled.withUnsafeMutableBufferPointer { pooling.pool(rows, n: n, d: d, into: $0.baseAddress! + i * pooledWidth) }
            }
            offset += n
        }
        guard !dense.isEmpty else { return }
        var input = pooled
        for (j, layer) in dense.enumerated() {
            if j == dense.count - 1 {
                input.withUnsafeBufferPointer { layer.apply($0.baseAddress!, rows: group.count, into: out) }
            } else {
                var next = [Float](repeating: 0, count: group.count * layer.outFeatures)
                input.withUnsafeBufferPointer { x in
                    next.withUnsafeMutableBufferPointer { layer.apply(x.baseAddress!, rows: group.count, into: $0.baseAddress!) }
                }
                input = next
            }
        }
    }

    /// `x /= max(‖x‖₂, 1e-12)` (torch `F.normalize`).
    static func l2Normalize(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var s: Float = 0
        for i in 0..<count { s += x[i] * x[i] }
        let norm = max(s.squareRoot(), 1e-12)
        for i in 0..<count { x[i] /= norm }
    }
}
