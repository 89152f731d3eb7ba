import Foundation
import MLPackCore

/// ``PackModelSupport`` from MLPackCore: flavors from the parsed `MLmodel`, missing environment files
/// generated the way MLflow writes them (``ModelEnvironment``), consistent with the files that exist.
///
/// - `requirements.txt`: the `pip:` list of an existing `conda.yaml`; otherwise the default
///   requirements of the model's flavors resolved like MLflow's `_process_pip_requirements`
///   (`mlflow==<version>` first). The flavors' defaults come from the registry
///   (``Flavor/defaultPipRequirements(for:)`` of every registered flavor whose block the model
///   carries); when none answers, a custom `python_function` model needs `cloudpickle`.
/// - `conda.yaml`: `python=<version>`, `pip`, and the requirements as its `pip:` list.
/// - `python_env.yaml`: the Python version, build dependencies and `-r requirements.txt`.
///
/// The Python and pip versions come from an existing `python_env.yaml`, else `conda.yaml`, else ``pythonTools``.
public struct MLModelPackSupport: PackModelSupport {
    /// The flavors asked for default pip requirements.
    public var registry: FlavorRegistry
    /// Python, pip, setuptools and wheel versions written when none can be read from the model.
    public var pythonTools: PythonToolVersions

    public init(registry: FlavorRegistry = .shared, pythonTools: PythonToolVersions = ModelSaver.defaultPythonTools) {
        self.registry = registry
        self.pythonTools = pythonTools
    }

    /// The default pip requirements of `model`, unpinned (the versions of the saving environment
    /// are unknown): what its registered flavors answer; otherwise MLflow's default for a custom
    /// `python_function` model (`cloudpickle`); otherwise none.
    public func defaultRequirements(for model: MLModel) -> [String] {
        if let requirements = registry.defaultPipRequirements(for: model) { return requirements }
        if model.flavor(named: MLModelFlavor.pythonFunction) != nil { return ["cloudpickle"] }
        return []
    }

    /// The `X` of a `pip<=X` conda dependency (MLflow writes the saving pip's version so).
    static func pipBound(_ conda: CondaEnvironment) -> String? {
        for case .package(let p) in conda.dependencies ?? [] where p.hasPrefix("pip<=") { return String(p.dropFirst(5)) }
        return nil
    }

    public func flavors(modelDirectory: URL) throws -> [String] {
        try MLModel.load(from: modelDirectory).flavors.map(\.name)
    }

    public func generateEnvironmentFiles(
        _ missing: [PackEnvironmentFile], modelDirectory: URL, flavors: [String]
    ) throws -> [PackEnvironmentFile: [UInt8]] {
        func url(_ file: PackEnvironmentFile) -> URL { modelDirectory.appendingPathComponent(file.fileName) }
        func exists(_ file: PackEnvironmentFile) -> Bool { !missing.contains(file) }
        let conda = exists(.conda) ? try CondaEnvironment.load(from: url(.conda)) : nil
        let python = exists(.pythonEnv) ? try PythonEnvironment.load(from: url(.pythonEnv)) : nil

        var tools = pythonTools
        tools.python = python?.python ?? conda?.pythonVersion ?? pythonTools.python
        tools.pip = python?.buildVersion(of: "pip") ?? conda.flatMap(Self.pipBound) ?? pythonTools.pip
        tools.setuptools = python?.buildVersion(of: "setuptools") ?? pythonTools.setuptools
        tools.wheel = python?.buildVersion(of: "wheel") ?? pythonTools.wheel

        let requirements: PipRequirementsFile
        if exists(.requirements) {
            requirements = try PipRequirementsFile.load(from: url(.requirements))
        } else if let pip = conda?.pipRequirements {
            requirements = PipRequirementsFile(lines: pip)
        } else {
            let model = try MLModel.load(from: modelDirectory)
            requirements = try ModelEnvironment.resolve(
                defaultRequirements: defaultRequirements(for: model), tools: tools, baseDirectory: modelDirectory
            ).requirements
        }

        var out: [PackEnvironmentFile: [UInt8]] = [:]
        for file in missing {
            switch file {
            case .requirements:
                out[file] = Array(requirements.text.utf8)
            case .conda:
                var dependencies: [CondaEnvironment.Dependency] = [.package("python=\(tools.python)")]
                if !requirements.lines.isEmpty {
                    dependencies.append(.package(tools.pip.map { "pip<=\($0)" } ?? "pip"))
                    dependencies.append(.pip(requirements.lines))
                }
                out[file] = Array(CondaEnvironment(dependencies: dependencies).yamlText.utf8)
            case .pythonEnv:
                out[file] = Array(PythonEnvironment(tools: tools).yamlText.utf8)
            }
        }
        return out
    }
}
