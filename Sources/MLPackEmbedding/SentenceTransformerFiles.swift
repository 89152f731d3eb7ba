import Foundation
import MLPackBERT

/// Copies a sentence-transformers directory into a model being saved, as
/// `SentenceTransformer.save` lays it out: every regular file except hidden ones, symlinked files
/// (the Hugging Face cache's `snapshots/` → `blobs/`) copied as their content, and the module
/// folders `modules.json` names created when the source lacks them (a hub snapshot has no
/// `2_Normalize/`).
public enum SentenceTransformerFiles {
    /// Most files copied (guards against pointing `--source` at a huge tree).
    public static let maxFiles = 10_000

    /// Copies `source` into `destination` (created) and returns the copied relative paths, sorted.
    @discardableResult
    public static func copy(from source: URL, to destination: URL) throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(at: destination, withIntermediateDirectories: true)
        var copied: [String] = []
        func walk(_ dir: URL, _ prefix: String, depth: Int) throws {
            guard depth < 8 else { return }
            for name in try fm.contentsOfDirectory(atPath: dir.path).sorted() where !name.hasPrefix(".") {
                let url = dir.appendingPathComponent(name)
                let relative = prefix.isEmpty ? name : prefix + "/" + name
                let resolved = url.resolvingSymlinksInPath()
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: resolved.path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    // Follow real sub-directories only, never a symlinked directory.
                    guard resolved.path == url.standardizedFileURL.path else { continue }
                    try fm.createDirectory(at: destination.appendingPathComponent(relative), withIntermediateDirectories: true)
                    try walk(url, relative, depth: depth + 1)
                } else {
                    guard copied.count < maxFiles else {
                        throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(source.path): more than \(maxFiles) files"])
                    }
                    try fm.copyItem(at: resolved, to: destination.appendingPathComponent(relative))
                    copied.append(relative)
                }
            }
        }
        try walk(source, "", depth: 0)
        try addMissingModuleConfigs(destination, &copied)
        return copied.sorted()
    }

    /// `Normalize` modules are saved by sentence-transformers with a small config file; a hub
    /// snapshot may lack the folder. Creates it so the saved directory loads in Python too.
    private static func addMissingModuleConfigs(_ destination: URL, _ copied: inout [String]) throws {
        let modulesURL = destination.appendingPathComponent("modules.json")
        guard let list = (try? readModelJSON(modulesURL)) as? [[String: Any]] else { return }
        for entry in list {
            guard let type = entry["type"] as? String, type.hasSuffix("Normalize"),
                let path = entry["path"] as? String, !path.isEmpty, !path.hasPrefix("/"), !path.contains("..")
            else { continue }
            let config = destination.appendingPathComponent(path).appendingPathComponent("config.json")
            if FileManager.default.fileExists(atPath: config.path) { continue }
            try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
            let text = "{\n    \"module_input_name\": \"sentence_embedding\",\n    \"module_output_name\": \"sentence_embedding\"\n}"
            try Data(text.utf8).write(to: config)
            copied.append(path + "/config.json")
        }
    }

    /// The transformer class (`architectures[0]` of `config.json`, e.g. `BertModel`), as MLflow's
    /// `pipeline_model_type` records `type(auto_model).__name__`.
    public static func modelClass(in directory: URL) -> String? {
        guard let object = (try? readModelJSON(directory.appendingPathComponent("config.json"))) as? [String: Any] else { return nil }
        if let arch = (object["architectures"] as? [String])?.first { return arch }
        if (object["model_type"] as? String) == "bert" { return "BertModel" }
        return nil
    }
}
