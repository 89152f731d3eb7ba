import Foundation

/// The environment files of a model directory — `requirements.txt`, `conda.yaml`,
/// `python_env.yaml` (and `constraints.txt` when constraints were given) — computed as
/// MLflow's flavor `save_model` computes them (`_process_pip_requirements`,
/// `_mlflow_conda_env`, `_PythonEnv.current`).
public struct ModelEnvironment: Sendable, Hashable {
    /// File name of the pip constraints written next to the requirements.
    public static let constraintsFileName = "constraints.txt"

    /// requirements.txt.
    public var requirements: PipRequirementsFile
    /// constraints.txt lines (empty: no file).
    public var constraints: [String]
    /// conda.yaml.
    public var conda: CondaEnvironment
    /// python_env.yaml.
    public var python: PythonEnvironment

    public init(requirements: PipRequirementsFile, constraints: [String] = [], conda: CondaEnvironment, python: PythonEnvironment) {
        self.requirements = requirements
        self.constraints = constraints
        self.conda = conda
        self.python = python
    }

    /// Computes the files for a model.
    ///
    /// - Parameters:
    ///   - defaultRequirements: the flavor's default pip requirements (used unless replaced).
    ///   - pipRequirements: replaces the defaults (MLflow `pip_requirements`).
    ///   - extraPipRequirements: added after the defaults (MLflow `extra_pip_requirements`).
    ///   - mlflowVersion: MLflow version pinned when no MLflow requirement is present.
    ///   - tools: Python, pip, setuptools, wheel versions of the target environment.
    ///   - additionalCondaChannels: channels after `conda-forge`.
    ///   - baseDirectory: where `-r file` / `-c file` references in the given lists are resolved.
    public static func resolve(
        defaultRequirements: [String],
        pipRequirements: [String]? = nil,
        extraPipRequirements: [String]? = nil,
        mlflowVersion: String = MLPack.mlflowCompatibleVersion,
        tools: PythonToolVersions,
        additionalCondaChannels: [String] = [],
        baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) throws(EnvironmentError) -> ModelEnvironment {
        if pipRequirements != nil && extraPipRequirements != nil { throw .conflictingRequirementOptions }
        var reqs: [String]
        var constraints: [String] = []
        if let pipRequirements {
            (reqs, constraints) = try RequirementLines.expand(pipRequirements, baseDirectory: baseDirectory)
        } else if let extraPipRequirements {
            let extra = try RequirementLines.expand(extraPipRequirements, baseDirectory: baseDirectory)
            reqs = defaultRequirements + extra.requirements
            constraints = extra.constraints
        } else {
            reqs = defaultRequirements
        }
        if !reqs.contains(where: PipRequirement.isMLflowRequirement) {
            reqs.insert(mlflowPin(mlflowVersion), at: 0)
        }
        var sanitized = deduplicate(reqs)
        sanitized = removeIncompatible(sanitized)
        if !constraints.isEmpty { sanitized.append("-c \(constraintsFileName)") }

        var condaDeps: [CondaEnvironment.Dependency] = [.package("python=\(tools.python)")]
        if !sanitized.isEmpty { condaDeps.append(.package(tools.pip.map { "pip<=\($0)" } ?? "pip")) }
        condaDeps.append(.pip(sanitized))
        let conda = CondaEnvironment(name: "mlflow-env", channels: ["conda-forge"] + additionalCondaChannels, dependencies: condaDeps)
        return ModelEnvironment(
            requirements: PipRequirementsFile(lines: sanitized), constraints: constraints,
            conda: conda, python: PythonEnvironment(tools: tools))
    }

    /// `mlflow==X` (MLflow's `_generate_mlflow_version_pinning`; a `.devN` version pins the
    /// previous micro release).
    public static func mlflowPin(_ version: String) -> String {
        guard version.contains(".dev") else { return "mlflow==\(version)" }
        let parts = version.split(separator: ".").prefix(3).map { Int($0.prefix { $0.isNumber }) ?? 0 }
        guard parts.count == 3 else { return "mlflow==\(version)" }
        return "mlflow==\(parts[0]).\(parts[1]).\(parts[2] - 1)"
    }

    /// MLflow's `_deduplicate_requirements`: PEP 508 requirements with the same name and marker
    /// are merged (specifiers and extras combined, first position kept) and printed in
    /// `packaging`'s normal form; other lines are kept verbatim, exact duplicates dropped.
    /// (MLflow also asks `pip install --dry-run` whether combined specifiers conflict; mlpack does not.)
    public static func deduplicate(_ requirements: [String]) -> [String] {
        var order: [String] = []
        var parsed: [String: PipRequirement] = [:]
        var verbatim: Set<String> = []
        for line in requirements {
            guard let req = PipRequirement(parsing: line) else {
                if !verbatim.contains(line) && parsed[line] == nil {
                    verbatim.insert(line)
                    order.append(line)
                }
                continue
            }
            let key = "\u{1}" + req.name + "\u{1}" + (req.marker ?? "")
            guard var existing = parsed[key] else {
                parsed[key] = req
                order.append(key)
                continue
            }
            if let kept = preferPublicVersion(existing.specifiers, req.specifiers) {
                existing.specifiers = kept
            } else if !existing.specifiers.isEmpty && !req.specifiers.isEmpty && existing.specifiers != req.specifiers {
                existing.specifiers = Array(Set(existing.specifiers + req.specifiers))
                    .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            } else if existing.specifiers.isEmpty {
                existing.specifiers = req.specifiers
            }
            if !req.extras.isEmpty {
                existing.extras = Array(Set(existing.extras + req.extras))
                    .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            }
            existing.name = req.name
            existing.url = req.url ?? existing.url
            parsed[key] = existing
        }
        return order.map { parsed[$0]?.description ?? $0 }
    }

    /// `torch==2.7.1` and `torch==2.7.1+cu128` (same version, one with a local label): MLflow keeps
    /// the pin without the label, which is installable from PyPI. Nil when the rule does not apply.
    static func preferPublicVersion(_ a: [String], _ b: [String]) -> [String]? {
        guard a.count == 1, b.count == 1, a[0].hasPrefix("=="), b[0].hasPrefix("=="),
            !a[0].hasPrefix("==="), !b[0].hasPrefix("===")
        else { return nil }
        func strip(_ s: String) -> Substring { s.dropFirst(2).prefix { $0 != "+" } }
        let aLocal = a[0].contains("+"), bLocal = b[0].contains("+")
        guard strip(a[0]) == strip(b[0]), aLocal != bLocal else { return nil }
        return aLocal ? b : a
    }

    /// MLflow's `_remove_incompatible_requirements`: `databricks-connect` excludes `pyspark`
    /// and `pyspark-connect`.
    static func removeIncompatible(_ reqs: [String]) -> [String] {
        let names = Set(reqs.map { PipRequirement(parsing: $0)?.name ?? $0 })
        guard names.contains("databricks-connect"), !names.isDisjoint(with: ["pyspark", "pyspark-connect"]) else { return reqs }
        return reqs.filter { !["pyspark", "pyspark-connect"].contains(PipRequirement(parsing: $0)?.name ?? $0) }
    }

    /// Reads the three files of a model directory.
    public static func load(from directory: URL) throws(EnvironmentError) -> ModelEnvironment {
        let reqs = try PipRequirementsFile.load(from: directory.appendingPathComponent(PipRequirementsFile.fileName))
        let conda = try CondaEnvironment.load(from: directory.appendingPathComponent(CondaEnvironment.fileName))
        let python = try PythonEnvironment.load(from: directory.appendingPathComponent(PythonEnvironment.fileName))
        var constraints: [String] = []
        let constraintsURL = directory.appendingPathComponent(constraintsFileName)
        if FileManager.default.fileExists(atPath: constraintsURL.path) {
            constraints = PipRequirementsFile(text: String(decoding: try EnvironmentYAML.readFile(constraintsURL), as: UTF8.self)).lines
        }
        return ModelEnvironment(requirements: reqs, constraints: constraints, conda: conda, python: python)
    }

    /// Writes the files into a model directory, each atomically.
    public func write(to directory: URL) throws(EnvironmentError) {
        var files: [(String, String)] = [
            (PipRequirementsFile.fileName, requirements.text),
            (CondaEnvironment.fileName, conda.yamlText),
            (PythonEnvironment.fileName, python.yamlText),
        ]
        if !constraints.isEmpty { files.append((Self.constraintsFileName, constraints.joined(separator: "\n"))) }
        for (name, text) in files {
            let url = directory.appendingPathComponent(name)
            do {
                try AtomicFile.write(text, to: url)
            } catch {
                throw .writeFailed(path: url.path, reason: error.reason)
            }
        }
    }
}
