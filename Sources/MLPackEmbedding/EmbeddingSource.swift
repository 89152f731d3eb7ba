import Foundation
import MLPackBERT
import MLPackCore

/// Where the sentence-transformers directory of a `save` comes from: a directory, a model name in
/// the Hugging Face cache, or an existing MLflow/mlpack model that embeds one.
public struct EmbeddingSource: Sendable {
    /// The sentence-transformers directory (holding `modules.json` or `config.json`).
    public var directory: URL
    /// What MLflow records as `source_model_name` (a hub id, or the local path as given).
    public var name: String

    /// Resolves `source`:
    /// - a directory with `MLmodel`: the embedded model of its `similarity`, `sentence_transformers`
    ///   or `python_function.artifacts.model_path` block;
    /// - any other directory: itself (it must hold `config.json`);
    /// - otherwise a name such as `sentence-transformers/all-MiniLM-L6-v2`, looked up in the
    ///   Hugging Face cache layout (`$HF_HOME/hub/models--…/snapshots/<rev>/`) and mlpack's cache.
    public static func resolve(_ source: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> EmbeddingSource {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue {
            let url = URL(fileURLWithPath: source).standardizedFileURL
            if fm.fileExists(atPath: url.appendingPathComponent(MLModel.fileName).path) {
                return try fromModel(url)
            }
            guard fm.fileExists(atPath: url.appendingPathComponent("config.json").path) else {
                throw SaveError.invalidSource(source, reason: "not a sentence-transformers directory (no config.json) and no MLmodel")
            }
            return EmbeddingSource(directory: url, name: source)
        }
        if source.hasPrefix("/") || source.hasPrefix(".") {
            throw SaveError.invalidSource(source, reason: "no such directory")
        }
        let directory = try ModelLocator.resolve(source, environment: environment)
        let name = source.contains("/") ? source : "sentence-transformers/\(source)"
        return EmbeddingSource(directory: directory, name: name)
    }

    /// The embedded sentence-transformers directory of an MLflow or mlpack model directory.
    static func fromModel(_ root: URL) throws -> EmbeddingSource {
        let model = try MLModel.load(from: root.appendingPathComponent(MLModel.fileName))
        let dir = ModelDirectory(root)
        let relative: String
        var name: String?
        if let similarity = model.flavor(named: SimilarityBlock.flavorName), let path = similarity.string(SimilarityBlock.embeddingModelKey) {
            relative = path
            name = similarity.string("source_model_name")
        } else if let st = model.flavor(named: "sentence_transformers") {
            relative = model.flavor(named: MLModelFlavor.pythonFunction)?.string("data") ?? "model.sentence_transformer"
            name = st.string("source_model_name")
        } else if let path = model.flavor(named: MLModelFlavor.pythonFunction)?.config["artifacts"]?
            .mappingValue?["model_path"]?.mappingValue?["path"]?.stringValue
        {
            relative = path
        } else {
            throw SaveError.invalidSource(
                root.path, reason: "MLmodel has no similarity or sentence_transformers flavor and no python_function artifacts.model_path")
        }
        let url = try dir.resolve(relative)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) else {
            throw FlavorError.missingFile(path: relative + "/config.json", referencedBy: "\(root.lastPathComponent)/MLmodel")
        }
        return EmbeddingSource(directory: url, name: name ?? root.path)
    }
}

/// Keys of mlpack's `similarity` flavor block (shared so the source resolver can read it).
public enum SimilarityBlock {
    public static let flavorName = "similarity"
    public static let embeddingModelKey = "embedding_model"
}
