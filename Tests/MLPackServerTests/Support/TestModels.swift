import Foundation
import MLPackCore
import MLPackServer
import Synchronization

/// A model without a signature that answers with what it received (after core's parsing): a
/// table comes back as records, an array as its nested list, any other value as it is.
struct EchoModel: LoadedModel {
    var flavorName: String { "echo" }
    var signature: ModelSignature? { nil }

    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput {
        switch input {
        case .table(let table): return .table(table)
        case .tensor(let tensor): return .tensor(tensor)
        case .namedTensors(let tensors): return .value(.object(JSONObject(tensors.map { ($0.name, $0.tensor.json) })))
        case .value(let value): return .value(value)
        }
    }
}

/// A model whose answer is whatever `behaviour` does (errors, delays: it runs on the server's
/// worker threads, so it may block them).
struct ScriptedModel: LoadedModel {
    var flavorName: String { "scripted" }
    var signature: ModelSignature? { nil }
    let behaviour: @Sendable (ModelInput) throws -> PredictionOutput

    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput {
        try behaviour(input)
    }
}

/// A deterministic embedding and similarity model: a text's vector is
/// `[utf8 length, number of spaces, first byte]`; a pair's score is `1 / (1 + |len1 - len2|)`.
/// It records every batch it was called with and blocks its thread for `delay` per call, and, when
/// given a `gate`, until the gate is opened (`gate.signal()`; it stays open for later calls).
final class CountingTextModel: SentenceEmbeddingModel, SentencePairScoringModel, Sendable {
    var flavorName: String { "counting" }
    var signature: ModelSignature? { nil }
    let delay: Duration
    let gate: DispatchSemaphore?
    private let batches = Mutex<[Int]>([])

    init(delay: Duration = .zero, gate: DispatchSemaphore? = nil) {
        self.delay = delay
        self.gate = gate
    }

    var batchSizes: [Int] { batches.withLock { $0 } }

    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput { .value(.array([])) }

    static func vector(_ text: String) -> [Float] {
        [Float(text.utf8.count), Float(text.filter { $0 == " " }.count), Float(text.utf8.first ?? 0)]
    }

    static func score(_ first: String, _ second: String) -> Double {
        1.0 / (1.0 + Double(abs(first.utf8.count - second.utf8.count)))
    }

    private func work(_ rows: Int) {
        batches.withLock { $0.append(rows) }
        if let gate {
            gate.wait()
            gate.signal()
        }
        if delay > .zero { Thread.sleep(forTimeInterval: delay.seconds) }
    }

    func embed(_ texts: [String]) throws -> [[Float]] {
        work(texts.count)
        return texts.map(Self.vector)
    }

    func scorePairs(_ first: [String], _ second: [String]) throws -> [Double] {
        work(first.count)
        return zip(first, second).map(Self.score)
    }
}

struct PlainError: Error, CustomStringConvertible {
    var description: String { "secret internal detail /opt/model/weights.bin" }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
