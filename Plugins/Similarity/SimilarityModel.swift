import MLPackBERT
import MLPackCore
import MLPackEmbedding

/// A loaded similarity model: scores every sentence pair of a request with one batched encoder
/// call, returning `[[score], …]` as float64 (shape `(n, 1)`).
struct SimilarityModel: BatchPredictingModel, SentencePairScoringModel {
    let encoder: SentenceTransformer
    var computePrecision: ComputePrecision? { encoder.computePrecision }
    var details: [ModelDetail] { encoder.details }
    let signature: ModelSignature?
    /// The tutorial's pickled model answers a single pair with a bare number (what MLflow serves
    /// for it); mlpack keeps that shape for one pair and returns one number per pair otherwise.
    let scalarForSinglePair: Bool

    var flavorName: String { SimilarityFlavor.flavorName }

    /// The sentence pairs of an input: a two-column table (columns in order, every row), or
    /// `{"sentence_1": str | [str], "sentence_2": str | [str]}` of equal lengths.
    static func pairs(_ input: ModelInput) throws -> (first: [String], second: [String]) {
        switch input {
        case .table(let table):
            guard table.columns.count == 2 else {
                throw FlavorError.invalidInput("DataFrame input must have exactly two columns, got \(table.columns.count)")
            }
            var first: [String] = [], second: [String] = []
            first.reserveCapacity(table.rowCount)
            second.reserveCapacity(table.rowCount)
            for row in 0..<table.rowCount {
                for c in 0..<2 {
                    guard case .string(let s) = table.columns[c].json(at: row) else {
                        let cell = table.columns[c].json(at: row)
                        throw FlavorError.invalidInput(
                            "row \(row), column \(table.names[c].pythonRepr): expected a string, got \(EmbeddingInput.describe(cell))")
                    }
                    if c == 0 { first.append(s) } else { second.append(s) }
                }
            }
            return (first, second)
        case .value(.object(let object)):
            let missing = ["sentence_1", "sentence_2"].filter { object[$0] == nil || object[$0]!.isNull }
            guard missing.isEmpty else {
                throw FlavorError.invalidInput(
                    "Both 'sentence_1' and 'sentence_2' must be provided in the input dictionary; missing: \(missing.joined(separator: ", "))")
            }
            let first = try sentences(object["sentence_1"]!, key: "sentence_1")
            let second = try sentences(object["sentence_2"]!, key: "sentence_2")
            guard first.count == second.count else {
                throw FlavorError.invalidInput("'sentence_1' has \(first.count) sentences but 'sentence_2' has \(second.count)")
            }
            return (first, second)
        case .value(let v):
            throw FlavorError.invalidInput("expected a two-column table or a dict with 'sentence_1' and 'sentence_2', got \(v.kindName)")
        case .tensor, .namedTensors:
            throw FlavorError.invalidInput("expected a two-column table or a dict with 'sentence_1' and 'sentence_2', got an array")
        }
    }

    private static func sentences(_ value: JSONValue, key: String) throws -> [String] {
        switch value {
        case .string(let s): return [s]
        case .array(let list):
            return try list.enumerated().map { i, v in
                guard case .string(let s) = v else {
                    throw FlavorError.invalidInput("'\(key)' row \(i): expected a string, got \(EmbeddingInput.describe(v))")
                }
                return s
            }
        default:
            throw FlavorError.invalidInput("'\(key)': expected a string or a list of strings, got \(value.kindName)")
        }
    }

    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput {
        let (first, second) = try Self.pairs(input)
        return output(try scores(first, second))
    }

    func predictBatch(_ inputs: [ModelInput], params: JSONObject) throws -> [Result<PredictionOutput, any Error>] {
        let parsed = inputs.map { i in Result { try Self.pairs(i) } }
        var first: [String] = [], second: [String] = []
        for case .success(let p) in parsed {
            first += p.first
            second += p.second
        }
        let all = try scores(first, second)
        var offset = 0
        return parsed.map { result in
            result.map { p in
                defer { offset += p.first.count }
                return output(Array(all[offset..<(offset + p.first.count)]))
            }
        }
    }

    func scorePairs(_ first: [String], _ second: [String]) throws -> [Double] {
        guard first.count == second.count else {
            throw FlavorError.invalidInput("\(first.count) first sentences but \(second.count) second sentences")
        }
        return try scores(first, second)
    }

    /// Cosine similarity of each pair, from one encoder call over all sentences.
    func scores(_ first: [String], _ second: [String]) throws -> [Double] {
        guard !first.isEmpty else { return [] }
        let e = try encoder.encode(first + second)
        let n = first.count, d = e.dimension
        return e.values.withUnsafeBufferPointer { v in
            (0..<n).map { i in
                var dot = 0.0, aa = 0.0, bb = 0.0
                let a = i * d, b = (n + i) * d
                for k in 0..<d {
                    let x = Double(v[a + k]), y = Double(v[b + k])
                    dot += x * y
                    aa += x * x
                    bb += y * y
                }
                return dot / (max(aa.squareRoot(), 1e-12) * max(bb.squareRoot(), 1e-12))
            }
        }
    }

    private func output(_ scores: [Double]) -> PredictionOutput {
        if scalarForSinglePair {
            return scores.count == 1 ? .value(.double(scores[0])) : .value(.array(scores.map(JSONValue.double)))
        }
        // Shape and storage agree by construction.
        return .tensor(try! Tensor(dtype: .float64, shape: [scores.count, 1], storage: .float64(scores)))
    }
}
