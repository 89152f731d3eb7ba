import Foundation
import MLPackServer
import Synchronization

/// The Swift counterpart of fixtures/mlflow's `s_echo` EchoModel as far as the HTTP layer goes:
/// it answers with what it received. A JSON body comes back as the predictions (the unified-LLM
/// form unwrapped, as MLflow does); a CSV body comes back as a JSON string.
struct EchoModel: ScoringModel {
    var name: String { "echo" }

    func invoke(_ request: InvocationRequest) async throws -> InvocationResponse {
        switch request.contentType {
        case .json:
            let framing: InvocationResponse.Framing =
                request.envelope?.format == .unifiedLLM ? .unwrapped : .predictions
            return InvocationResponse(json: request.body, framing: framing)
        case .csv:
            let data = try JSONEncoder().encode(["csv": request.bodyText, "rows": String(request.rowCount)])
            return InvocationResponse(json: Array(data), framing: .predictions)
        }
    }
}

/// A model whose answer is whatever `behaviour` does (errors, delays).
struct ScriptedModel: ScoringModel {
    var name: String { "scripted" }
    let behaviour: @Sendable (InvocationRequest) async throws -> InvocationResponse

    func invoke(_ request: InvocationRequest) async throws -> InvocationResponse {
        try await behaviour(request)
    }
}

/// A deterministic embedding and similarity model: a text's vector is
/// `[utf8 length, number of spaces, first byte]`; a pair's score is `1 / (1 + |len1 - len2|)`.
/// It records every batch it was called with.
final class CountingTextModel: EmbeddingScoring, SimilarityScoring, Sendable {
    var name: String { "counting" }
    let delay: Duration
    private let batches = Mutex<[Int]>([])

    init(delay: Duration = .zero) {
        self.delay = delay
    }

    var batchSizes: [Int] { batches.withLock { $0 } }

    func invoke(_ request: InvocationRequest) async throws -> InvocationResponse {
        .predictions("[]")
    }

    static func vector(_ text: String) -> [Float] {
        [Float(text.utf8.count), Float(text.filter { $0 == " " }.count), Float(text.utf8.first ?? 0)]
    }

    static func score(_ pair: SentencePair) -> Double {
        1.0 / (1.0 + Double(abs(pair.first.utf8.count - pair.second.utf8.count)))
    }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        batches.withLock { $0.append(texts.count) }
        if delay > .zero { try await Task.sleep(for: delay) }
        return texts.map(Self.vector)
    }

    func similarity(_ pairs: [SentencePair]) async throws -> [Double] {
        batches.withLock { $0.append(pairs.count) }
        if delay > .zero { try await Task.sleep(for: delay) }
        return pairs.map(Self.score)
    }
}

struct PlainError: Error, CustomStringConvertible {
    var description: String { "secret internal detail /opt/model/weights.bin" }
}
