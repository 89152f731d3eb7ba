import Foundation

extension SentenceTransformer {
    struct Module {
        enum Kind { case transformer, pooling, dense, normalize }
        let kind: Kind
        let path: String
        let url: URL
    }

    /// Reads `modules.json` (sorted by `idx`); without it, sentence-transformers' fallback
    /// Transformer → mean Pooling.
    static func readModules(_ directory: URL) throws -> [Module] {
        let url = directory.appendingPathComponent("modules.json")
        guard FileManager.default.fileExists(atPath: url.path) else {
            return [Module(kind: .transformer, path: "", url: directory)]
        }
        guard let list = try JSONFile.read(url: url, label: "modules.json") as? [[String: Any]] else {
            throw BERTError.malformed(file: "modules.json", reason: "expected a JSON list of module objects")
        }
        var modules: [(Int, Module)] = []
        for (i, entry) in list.enumerated() {
            guard let type = entry["type"] as? String else {
                throw BERTError.invalidValue(file: "modules.json", key: "[\(i)].type", expected: "a string")
            }
            let path = entry["path"] as? String ?? ""
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            guard !path.hasPrefix("/"), !parts.contains(".."), !path.contains("\\") else {
                throw BERTError.invalidValue(
                    file: "modules.json", key: "[\(i)].path", expected: "a relative path inside the model directory, found \(path)")
            }
            let idx = (entry["idx"] as? NSNumber)?.intValue ?? i
            let kind: Module.Kind
            switch type.split(separator: ".").last.map(String.init) ?? type {
            case "Transformer": kind = .transformer
            case "Pooling": kind = .pooling
            case "Dense": kind = .dense
            case "Normalize": kind = .normalize
            default: throw BERTError.unsupported(file: "modules.json", key: "[\(i)].type", value: type)
            }
            let moduleURL = path.isEmpty ? directory : directory.appendingPathComponent(path)
            modules.append((idx, Module(kind: kind, path: path, url: moduleURL)))
        }
        return modules.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
