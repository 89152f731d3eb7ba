import Foundation
import MLPackYAML

/// `python_env.yaml` as MLflow writes it (`yaml.safe_dump(data, sort_keys=False,
/// default_flow_style=False)` with empty values dropped): `python`, `build_dependencies`,
/// `dependencies`, in that order. MLflow refuses other keys, and so does this reader.
public struct PythonEnvironment: Sendable, Hashable {
    /// File name inside a model directory.
    public static let fileName = "python_env.yaml"
    /// The keys MLflow's `_PythonEnv` accepts.
    public static let keys = ["python", "build_dependencies", "dependencies"]

    /// Python version, e.g. `3.11.7`.
    public var python: String?
    /// Packages installed before `dependencies` (`pip==26.3`, `setuptools==…`, `wheel`).
    public var buildDependencies: [String]
    /// The dependencies (MLflow: `-r requirements.txt`).
    public var dependencies: [String]

    public init(python: String?, buildDependencies: [String] = [], dependencies: [String] = []) {
        self.python = python
        self.buildDependencies = buildDependencies
        self.dependencies = dependencies
    }

    /// What `_PythonEnv.current()` records: the Python version, `pip`, `setuptools`, `wheel`
    /// pinned to their installed versions (bare name when not installed), and `-r requirements.txt`.
    public init(tools: PythonToolVersions) {
        python = tools.python
        buildDependencies = [("pip", tools.pip), ("setuptools", tools.setuptools), ("wheel", tools.wheel)]
            .map { name, version in version.map { "\(name)==\($0)" } ?? name }
        dependencies = ["-r \(PipRequirementsFile.fileName)"]
    }

    /// The file text, as MLflow writes it.
    public var yamlText: String {
        var map = YAMLMapping()
        if let python, !python.isEmpty { map["python"] = .string(python) }
        if !buildDependencies.isEmpty { map["build_dependencies"] = .sequence(buildDependencies.map(YAMLValue.string)) }
        if !dependencies.isEmpty { map["dependencies"] = .sequence(dependencies.map(YAMLValue.string)) }
        return YAMLEmitter.emit(.mapping(map), options: .pyYAMLSafeDumpUnsorted)
    }

    /// Parses `python_env.yaml` text.
    public static func parse(_ text: String, file: String = fileName) throws(EnvironmentError) -> PythonEnvironment {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses `python_env.yaml` bytes.
    public static func parse(bytes: [UInt8], file: String = fileName) throws(EnvironmentError) -> PythonEnvironment {
        var env = PythonEnvironment(python: nil)
        for (key, keyNode, node) in try EnvironmentYAML.mapping(bytes, file: file) {
            switch key {
            case "python":
                if !node.value.isNull { env.python = try EnvironmentYAML.string(node, key, file: file) }
            case "build_dependencies":
                env.buildDependencies = try EnvironmentYAML.strings(node, key, file: file) ?? []
            case "dependencies":
                env.dependencies = try EnvironmentYAML.strings(node, key, file: file) ?? []
            default:
                throw .unknownKey(path: file, key: key, line: keyNode.mark.line, column: keyNode.mark.column, expected: keys)
            }
        }
        return env
    }

    /// Reads `python_env.yaml` from a model directory (or the file itself).
    public static func load(from url: URL) throws(EnvironmentError) -> PythonEnvironment {
        let file = EnvironmentYAML.fileURL(url, fileName)
        return try parse(bytes: try EnvironmentYAML.readFile(file), file: file.path)
    }

    /// The installed version of a build package (`pip==26.3` → `26.3`), nil when unpinned or absent.
    public func buildVersion(of package: String) -> String? {
        for dep in buildDependencies where dep.hasPrefix(package + "==") { return String(dep.dropFirst(package.count + 2)) }
        return nil
    }
}

/// Versions of the Python tool chain an environment is written for.
public struct PythonToolVersions: Sendable, Hashable {
    /// `major.minor.micro`, e.g. `3.11.7`.
    public var python: String
    /// Installed pip version, nil if unknown (then conda gets bare `pip`).
    public var pip: String?
    /// Installed setuptools version, nil if not installed.
    public var setuptools: String?
    /// Installed wheel version, nil if not installed.
    public var wheel: String?

    public init(python: String, pip: String?, setuptools: String?, wheel: String?) {
        self.python = python
        self.pip = pip
        self.setuptools = setuptools
        self.wheel = wheel
    }
}
