import Foundation

/// Paths of the repository's fixtures, found from this file's location.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let embeddings = root.appendingPathComponent("fixtures/embeddings")
    static let tinyModel = embeddings.appendingPathComponent("tiny-bert/model")
    static let tokenizers = root.appendingPathComponent("fixtures/tokenizers")

    struct TokenizerCase: Decodable {
        let id: String
        let category: String
        let text: String
        let input_ids: [Int32]
        let tokens: [String]
        let truncated: Bool
    }

    /// Lines of a JSONL file, split on "\n" only (texts may hold U+2028 / U+0085 escapes).
    static func jsonLines<T: Decodable>(_ url: URL, as: T.Type) throws -> [T] {
        let data = try Data(contentsOf: url)
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(T.self, from: Data($0))
        }
    }

    static func tokenizerCases() throws -> [TokenizerCase] {
        try jsonLines(embeddings.appendingPathComponent("tokenizer_cases.jsonl"), as: TokenizerCase.self)
    }
}
