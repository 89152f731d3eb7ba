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
    /// - a directory with `MLmodel`: the embedded model a flavor of `registry` finds in it (the
    ///   first in registration order, see ``Flavor/embeddedModels(in:)``);
    /// - any other directory: itself (it must hold `config.json`);
    /// - otherwise a name such as `sentence-transformers/all-MiniLM-L6-v2`, looked up in the
    ///   Hugging Face cache layout (`$HF_HOME/hub/models--…/snapshots/<rev>/`) and mlpack's cache.
    public static func resolve(
        _ source: String, registry: FlavorRegistry = .shared,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> EmbeddingSource {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue {
            let url = URL(fileURLWithPath: source).standardizedFileURL
            if fm.fileExists(atPath: url.appendingPathComponent(MLModel.fileName).path) {
                return try fromModel(url, registry: registry)
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

    /// The embedded sentence-transformers directory of an MLflow or mlpack model directory, as
    /// the registered flavors locate it.
    static func fromModel(_ root: URL, registry: FlavorRegistry) throws -> EmbeddingSource {
        let file = root.appendingPathComponent(MLModel.fileName)
        let model = try MLModel.load(from: file)
        guard let (flavor, embedded) = registry.embeddedModels(in: model).first else {
            let blocks = model.flavors.map(\.name).joined(separator: ", ")
            let known = registry.all.map(\.name).joined(separator: ", ")
            throw SaveError.invalidSource(
                root.path, reason: "MLmodel (flavors: \(blocks.isEmpty ? "none" : blocks)) names no embedded model that a registered flavor "
                    + "(\(known.isEmpty ? "none registered" : known)) reads")
        }
        let url = try ModelDirectory(root).resolve(embedded.path)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path) else {
            throw FlavorError.missingFile(
                path: embedded.path + "/config.json", referencedBy: "\(root.lastPathComponent)/MLmodel \(embedded.key) (\(flavor.name) flavor)")
        }
        return EmbeddingSource(directory: url, name: embedded.sourceName ?? root.path)
    }
}
