import Foundation
import MLPackTestSupport
import Testing

/// Paths of the repository's fixtures and of the real model, found from this file's location.
enum Fixtures {
    static let root = TestFixtures.repoRoot
    static let embeddings = root.appendingPathComponent("fixtures/embeddings")
    static let tinyBERT = embeddings.appendingPathComponent("tiny-bert")
    static let tinyModel = tinyBERT.appendingPathComponent("model")

    /// The real all-MiniLM-L6-v2 directory: `$MLPACK_MINILM_DIR`, else scripts/fetch-model.sh's default.
    static func realModel() throws -> URL {
        do { return try TestFixtures.realModel() } catch {
            Issue.record("\(error)")
            throw error
        }
    }

    /// A temporary directory removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlpack-bert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Copies a model directory (recursively) to a fresh temporary directory.
    static func copyOfModel(_ source: URL) throws -> URL {
        let dir = try temporaryDirectory().appendingPathComponent("model")
        try FileManager.default.copyItem(at: source, to: dir)
        return dir
    }

    /// A line of tiny-bert/hidden_states.jsonl: the embedding and layer outputs `[n_tokens, 32]`.
    struct HiddenCase: Decodable {
        let id: String
        let text: String
        let input_ids: [Int32]
        let shape: [Int]
        let hidden_states_b64: [String]
    }

    /// Lines of a JSONL file, split on "\n" only.
    static func jsonLines<T: Decodable>(_ url: URL, as: T.Type) throws -> [T] {
        let data = try Data(contentsOf: url)
        return try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(T.self, from: Data($0)) }
    }
}
