import Foundation
import MLPackTestSupport
@testable import MLPackCore

/// Locates the repository's fixtures/ directory from this file's path and reads fixture files.
enum SignatureFixtures {
    static let repoRoot: URL = TestFixtures.repoRoot

    static var fixtures: URL { repoRoot.appendingPathComponent("fixtures") }
    static var mlflow: URL { fixtures.appendingPathComponent("mlflow") }
    static var models: URL { mlflow.appendingPathComponent("models") }

    static func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

    static func text(_ url: URL) throws -> String { String(decoding: try bytes(url), as: UTF8.self) }

    /// Every line of a JSON Lines fixture, parsed.
    static func jsonLines(_ url: URL) throws -> [JSONValue] {
        try text(url).split(separator: "\n", omittingEmptySubsequences: true).map {
            try JSONParser.parse(String($0), source: url.lastPathComponent)
        }
    }

    /// Names of the model directories under fixtures/mlflow/models.
    static func modelNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: models.path)
            .filter { $0 != "index.json" && !$0.hasPrefix(".") }
            .sorted()
    }

    /// fixtures/mlflow/models/index.json.
    static func index() throws -> JSONValue {
        try JSONParser.parse(try bytes(models.appendingPathComponent("index.json")), source: "index.json")
    }
}
