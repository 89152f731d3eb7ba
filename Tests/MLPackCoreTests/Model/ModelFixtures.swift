import Foundation
import MLPackTestSupport

/// The MLflow-written model directories under fixtures/mlflow/models (repo-relative).
enum ModelFixtures {
    static let root: URL = TestFixtures.repoRoot
    static let modelsDir = TestFixtures.mlflowModels

    /// Every model directory (those holding an `MLmodel` file), sorted by name.
    static var modelDirs: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: modelsDir.path)) ?? []
        return names.sorted().map { modelsDir.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("MLmodel").path) }
    }

    static func text(_ url: URL) -> String? {
        FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A fresh temporary directory, removed by the caller.
    static func tempDir() throws -> URL { try TestFixtures.temporaryDirectory() }
}
