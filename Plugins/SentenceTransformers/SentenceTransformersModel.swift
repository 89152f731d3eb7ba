import MLPackBERT
import MLPackCore
import MLPackEmbedding

/// A loaded sentence-transformers model: `predict` embeds sentences like MLflow's
/// `_SentenceTransformerModelWrapper.predict`.
struct SentenceTransformersModel: BatchPredictingModel, SentenceEmbeddingModel {
    let encoder: SentenceTransformer
    var computePrecision: ComputePrecision? { encoder.computePrecision }
    var details: [ModelDetail] { encoder.details }
    let signature: ModelSignature?
    /// `llm/v1/embeddings` when the model was saved with that task (OpenAI-style output).
    let task: String?

    var flavorName: String { SentenceTransformersFlavor.flavorName }

    /// The `encode` keyword arguments mlpack honours (others MLflow passes to sentence-transformers
    /// are refused by name, since they would be silently ignored here).
    struct EncodeOptions {
        var batchSize = 32
        var normalize = false
        var maxSeqLength: Int?

        init(_ params: JSONObject) throws {
            for (key, value) in params {
                switch key {
                case "batch_size":
                    guard let n = value.intValue, n >= 1, n <= 1 << 20 else {
                        throw FlavorError.invalidInput("param 'batch_size': expected a positive integer, got \(EmbeddingInput.preview(value))")
                    }
                    batchSize = Int(n)
                case "normalize_embeddings":
                    guard let b = value.boolValue else {
                        throw FlavorError.invalidInput("param 'normalize_embeddings': expected a boolean, got \(EmbeddingInput.preview(value))")
                    }
                    normalize = b
                case "max_seq_length":
                    guard let n = value.intValue, n >= 2, n <= 1 << 16 else {
                        throw FlavorError.invalidInput("param 'max_seq_length': expected an integer ≥ 2, got \(EmbeddingInput.preview(value))")
                    }
                    maxSeqLength = Int(n)
                case "convert_to_numpy", "show_progress_bar", "convert_to_tensor":
                    continue  // no effect on the returned array
                default:
                    throw FlavorError.invalidInput(
                        "Received invalid parameter value for `params` argument: '\(key.prefix(40))' is not an encode option mlpack supports "
                            + "(batch_size, normalize_embeddings, max_seq_length)")
                }
            }
        }
    }

    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput {
        let options = try EncodeOptions(params)
        if task == SentenceTransformersFlavor.embeddingsTask {
            return try embeddingsTaskOutput(input, options)
        }
        let sentences = try EmbeddingInput.sentences(input)
        let embeddings = try encoder.encode(sentences, batchSize: options.batchSize, normalize: options.normalize, maxSeqLength: options.maxSeqLength)
        return .tensor(Tensor(embeddings: embeddings))
    }

    func embed(_ texts: [String]) throws -> [[Float]] {
        let e = try encoder.encode(texts)
        return (0..<e.rows).map { Array(e[$0]) }
    }

    func predictBatch(_ inputs: [ModelInput], params: JSONObject) throws -> [Result<PredictionOutput, any Error>] {
        // One encoder call for all requests' sentences; each request gets its rows back.
        let options = try EncodeOptions(params)
        if task == SentenceTransformersFlavor.embeddingsTask { return inputs.map { i in Result { try predict(i, params: params) } } }
        let lists: [Result<[String], any Error>] = inputs.map { i in Result { try EmbeddingInput.sentences(i) } }
        let all = lists.flatMap { (try? $0.get()) ?? [] }
        let embeddings = try encoder.encode(all, batchSize: options.batchSize, normalize: options.normalize, maxSeqLength: options.maxSeqLength)
        var offset = 0
        var results: [Result<PredictionOutput, any Error>] = []
        for i in lists.indices {
            switch lists[i] {
            case .failure(let e): results.append(.failure(e))
            case .success(let sentences):
                let slice = Array(embeddings.values[(offset * embeddings.dimension)..<((offset + sentences.count) * embeddings.dimension)])
                results.append(.success(.tensor(Tensor(embeddings: EmbeddingMatrix(rows: sentences.count, dimension: embeddings.dimension, values: slice)))))
                offset += sentences.count
            }
        }
        return results
    }

    /// `{"object": "list", "data": [{"object": "embedding", "index": i, "embedding": [...]}], "usage": {...}}`
    /// (MLflow's `postprocess_output_for_llm_v1_embedding_task`); the input is the `input` column.
    private func embeddingsTaskOutput(_ input: ModelInput, _ options: EncodeOptions) throws -> PredictionOutput {
        let sentences: [String]
        if case .table(let table) = input, let column = table[.string("input")] {
            if table.rowCount >= 1, case .array(let list) = column.json(at: 0), table.rowCount == 1 {
                sentences = try EmbeddingInput.sentences(.value(.array(list)))
            } else {
                sentences = try (0..<table.rowCount).map { row in
                    guard case .string(let s) = column.json(at: row) else {
                        throw FlavorError.invalidInput("column 'input', row \(row): expected a string")
                    }
                    return s
                }
            }
        } else if case .value(.object(let o)) = input, let value = o["input"] {
            sentences = try EmbeddingInput.sentences(.value(value))
        } else {
            sentences = try EmbeddingInput.sentences(input)
        }
        let embeddings = try encoder.encode(sentences, batchSize: options.batchSize, normalize: options.normalize, maxSeqLength: options.maxSeqLength)
        let tokens = try encoder.tokenize(sentences).reduce(0) { $0 + $1.ids.count }
        let data: [JSONValue] = (0..<embeddings.rows).map { i in
            .object(JSONObject([
                ("object", "embedding"), ("index", .int(Int64(i))),
                ("embedding", .array(embeddings[i].map { .double(Double($0)) })),
            ]))
        }
        return .value(.object(JSONObject([
            ("object", "list"), ("data", .array(data)),
            ("usage", .object(JSONObject([("prompt_tokens", .int(Int64(tokens))), ("total_tokens", .int(Int64(tokens)))]))),
        ])))
    }
}
