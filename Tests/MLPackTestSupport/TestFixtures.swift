import Foundation

/// Paths of the repository's fixtures and of the real model, shared by the test targets.
public enum TestFixtures {
    /// The repository root (the directory holding Package.swift).
    public static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return url
    }()

    /// Whether the tests run under a sanitizer (scripts/test-sanitizers.sh sets MLPACK_SANITIZER): an
    /// unoptimised, instrumented build, where time and memory bounds are looser.
    public static let underSanitizer = ProcessInfo.processInfo.environment["MLPACK_SANITIZER"] != nil

    public static let fixtures = repoRoot.appendingPathComponent("fixtures")
    public static let mlflowModels = fixtures.appendingPathComponent("mlflow/models")
    public static let tinyBERT = fixtures.appendingPathComponent("embeddings/tiny-bert/model")
    public static let tutorial = fixtures.appendingPathComponent("tutorial")

    public struct MissingRealModel: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "the real model is not at \(path): run scripts/fetch-model.sh (or set MLPACK_MINILM_DIR)" }
    }

    /// The real all-MiniLM-L6-v2 directory: `$MLPACK_MINILM_DIR`, else scripts/fetch-model.sh's default.
    /// Throws (the test fails) when it is missing: CI fetches it, so it is never skipped silently.
    public static func realModel() throws -> URL {
        let env = ProcessInfo.processInfo.environment
        let path = env["MLPACK_MINILM_DIR"]
            ?? (env["MLPACK_CACHE_DIR"] ?? ((env["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache") + "/mlpack"))
            + "/models/all-MiniLM-L6-v2"
        guard FileManager.default.fileExists(atPath: path + "/model.safetensors") else { throw MissingRealModel(path: path) }
        return URL(fileURLWithPath: path)
    }

    /// A fresh temporary directory (the caller removes it).
    public static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlpack-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A copy of an MLflow fixture model with its removed weights restored from the real model
    /// (`model.safetensors.REMOVED.txt` → `model.safetensors`: the tensors are identical).
    public static func fixtureModelWithWeights(_ name: String, in temp: URL) throws -> URL {
        let copy = temp.appendingPathComponent(name)
        try FileManager.default.copyItem(at: mlflowModels.appendingPathComponent(name), to: copy)
        let weights = try realModel().appendingPathComponent("model.safetensors")
        guard let e = FileManager.default.enumerator(atPath: copy.path) else { return copy }
        for case let relative as String in e where relative.hasSuffix("model.safetensors.REMOVED.txt") {
            let note = copy.appendingPathComponent(relative)
            try FileManager.default.removeItem(at: note)
            try FileManager.default.copyItem(at: weights, to: note.deletingLastPathComponent().appendingPathComponent("model.safetensors"))
        }
        return copy
    }
}
