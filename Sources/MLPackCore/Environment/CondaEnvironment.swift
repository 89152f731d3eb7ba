import Foundation
import MLPackYAML

/// `conda.yaml` as MLflow writes it (`yaml.safe_dump(env, default_flow_style=False)`, keys sorted):
/// `channels`, `dependencies` (conda packages, then a `{pip: [...]}` entry), `name`.
/// Keys other than these are kept and written back.
public struct CondaEnvironment: Sendable, Hashable {
    /// File name inside a model directory.
    public static let fileName = "conda.yaml"

    /// One entry of `dependencies`.
    public enum Dependency: Sendable, Hashable {
        /// A conda package spec such as `python=3.11.7` or `pip<=26.3`.
        case package(String)
        /// The `pip:` list (same lines as requirements.txt).
        case pip([String])
        /// Any other entry, kept as read.
        case other(YAMLValue)
    }

    /// `name` (MLflow: `mlflow-env`); nil when absent.
    public var name: String?
    /// `channels` (MLflow: `conda-forge` + additional channels); nil when absent.
    public var channels: [String]?
    /// `dependencies`; nil when absent.
    public var dependencies: [Dependency]?
    /// Other top-level keys, kept as read.
    public var otherKeys: YAMLMapping

    public init(name: String? = "mlflow-env", channels: [String]? = ["conda-forge"], dependencies: [Dependency]? = [], otherKeys: YAMLMapping = YAMLMapping()) {
        self.name = name
        self.channels = channels
        self.dependencies = dependencies
        self.otherKeys = otherKeys
    }

    /// The Python version pinned by a `python=X` / `python==X` dependency.
    public var pythonVersion: String? {
        for case .package(let p) in dependencies ?? [] {
            for prefix in ["python==", "python="] where p.hasPrefix(prefix) { return String(p.dropFirst(prefix.count)) }
        }
        return nil
    }

    /// The `pip:` requirements, if there is a pip entry.
    public var pipRequirements: [String]? {
        for case .pip(let list) in dependencies ?? [] { return list }
        return nil
    }

    /// The file text, as MLflow writes it.
    public var yamlText: String {
        var map = otherKeys
        if let name { map["name"] = .string(name) }
        if let channels { map["channels"] = .sequence(channels.map(YAMLValue.string)) }
        if let dependencies {
            map["dependencies"] = .sequence(dependencies.map { dep in
                switch dep {
                case .package(let p): return .string(p)
                case .pip(let list): return .mapping(["pip": .sequence(list.map(YAMLValue.string))])
                case .other(let v): return v
                }
            })
        }
        return YAMLEmitter.emit(.mapping(map), options: .pyYAMLSafeDump)
    }

    /// Parses `conda.yaml` text; `file` names the source in errors.
    public static func parse(_ text: String, file: String = fileName) throws(EnvironmentError) -> CondaEnvironment {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses `conda.yaml` bytes.
    public static func parse(bytes: [UInt8], file: String = fileName) throws(EnvironmentError) -> CondaEnvironment {
        var env = CondaEnvironment(name: nil, channels: nil, dependencies: nil)
        for (key, _, node) in try EnvironmentYAML.mapping(bytes, file: file) {
            switch key {
            case "name":
                env.name = try EnvironmentYAML.string(node, key, file: file)
            case "channels":
                env.channels = try EnvironmentYAML.strings(node, key, file: file)
            case "dependencies":
                guard let items = node.sequenceItems else {
                    throw EnvironmentYAML.wrongType(node, key, "a list of conda packages and a {pip: [...]} entry", file: file)
                }
                var deps: [Dependency] = []
                for (i, item) in items.enumerated() {
                    if let s = item.value.stringValue {
                        deps.append(.package(s))
                    } else if let pip = item["pip"], item.mappingPairs?.count == 1 {
                        deps.append(.pip(try EnvironmentYAML.strings(pip, "dependencies[\(i)].pip", file: file) ?? []))
                    } else if item.mappingPairs != nil {
                        deps.append(.other(item.value))
                    } else {
                        throw EnvironmentYAML.wrongType(item, "dependencies[\(i)]", "a string or a {pip: [...]} mapping", file: file)
                    }
                }
                env.dependencies = deps
            default:
                env.otherKeys[key] = node.value
            }
        }
        return env
    }

    /// Reads `conda.yaml` from a model directory (or the file itself).
    public static func load(from url: URL) throws(EnvironmentError) -> CondaEnvironment {
        let file = EnvironmentYAML.fileURL(url, fileName)
        return try parse(bytes: try EnvironmentYAML.readFile(file), file: file.path)
    }
}
