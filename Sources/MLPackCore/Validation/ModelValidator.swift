import Foundation
import MLPackYAML

/// The checks of `mlpack validate` on a model directory: what MLflow's loaders need before
/// `mlflow.pyfunc.load_model` can succeed (§13 of the format reference), plus whether mlpack can
/// run the model natively.
///
/// Each check adds findings; none throws. An `error` finding means MLflow or mlpack would fail to
/// load the model; a `warning` means it loads but something is off (for example a Python-only
/// flavor); `info` reports what was found.
public struct ModelValidator: Sendable {
    public var registry: FlavorRegistry
    /// Extra checks run after the built-in ones (the packager adds manifest checks, for example).
    public var extraChecks: [@Sendable (MLModel, ModelDirectory) -> [ValidationFinding]]

    public init(registry: FlavorRegistry = .shared, extraChecks: [@Sendable (MLModel, ModelDirectory) -> [ValidationFinding]] = []) {
        self.registry = registry
        self.extraChecks = extraChecks
    }

    /// Validates the model directory at `url`.
    public func validate(directory url: URL) -> [ValidationFinding] {
        let dir = ModelDirectory(url)
        var findings: [ValidationFinding] = []
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [ValidationFinding(.error, dir.root.path, "not a directory")]
        }
        let model: MLModel
        do {
            model = try MLModel.load(from: dir.root.appendingPathComponent(MLModel.fileName))
        } catch {
            return [ValidationFinding(.error, MLModel.fileName, error.description)]
        }
        findings.append(ValidationFinding(.info, MLModel.fileName, "parsed; flavors: \(model.flavors.map(\.name).joined(separator: ", "))"))
        if model.flavors.isEmpty {
            findings.append(ValidationFinding(.error, "\(MLModel.fileName):flavors", "no flavor blocks: nothing can load this model"))
        }
        let signature = checkSignature(model, &findings)
        checkInputExample(model, dir, signature: signature, &findings)
        checkPythonFunction(model, dir, &findings)
        checkMetadata(model, &findings)
        checkEnvironment(model, dir, &findings)
        checkLoadability(model, dir, &findings)
        for check in extraChecks { findings += check(model, dir) }
        return findings
    }

    private func checkSignature(_ model: MLModel, _ findings: inout [ValidationFinding]) -> ModelSignature? {
        guard let strings = model.signature else {
            findings.append(ValidationFinding(.info, "\(MLModel.fileName):signature", "no signature: inputs are not enforced"))
            return nil
        }
        if strings.inputs == nil && strings.outputs == nil && strings.params == nil {
            findings.append(ValidationFinding(.error, "\(MLModel.fileName):signature", "inputs, outputs and params are all null; expected at least one"))
            return nil
        }
        do {
            let signature = try model.parsedSignature
            findings.append(ValidationFinding(.info, "\(MLModel.fileName):signature", "parsed"))
            return signature
        } catch {
            findings.append(ValidationFinding(.error, "\(MLModel.fileName):signature", error.description))
            return nil
        }
    }

    private func checkInputExample(_ model: MLModel, _ dir: ModelDirectory, signature: ModelSignature?, _ findings: inout [ValidationFinding]) {
        guard let infoMapping = model.savedInputExampleInfo else {
            if dir.kind(of: InputExample.fileName) == .file {
                findings.append(ValidationFinding(.warning, InputExample.fileName, "present but MLmodel has no saved_input_example_info"))
            }
            return
        }
        var info: [String: String] = [:]
        for entry in infoMapping.entries {
            guard let key = entry.key.stringValue else { continue }
            let value = entry.value
            if let s = value.stringValue { info[key] = s } else if let b = value.boolValue { info[key] = b ? "true" : "false" }
        }
        let location = "\(MLModel.fileName):saved_input_example_info"
        let allowed = ["dataframe", "ndarray", "json_object", "sparse_matrix_csr", "sparse_matrix_csc"]
        guard let type = info["type"], allowed.contains(type) else {
            findings.append(ValidationFinding(.error, "\(location).type", "expected one of \(allowed.joined(separator: ", "))"))
            return
        }
        guard let path = info["artifact_path"] else {
            findings.append(ValidationFinding(.error, "\(location).artifact_path", "missing"))
            return
        }
        do {
            let url = try dir.resolve(path)
            let bytes = try readLimited(url, limit: 64 << 20)
            let example = try InputExample(inputExampleBytes: bytes, info: info)
            findings.append(ValidationFinding(.info, path, "input example parsed (\(example.typeName))"))
            if let servingPath = info["serving_input_path"] {
                let servingURL = try dir.resolve(servingPath)
                let servingBytes = try readLimited(servingURL, limit: 64 << 20)
                let serving = try JSONParser.parse(servingBytes, source: servingPath)
                if let mismatch = example.servingMismatch(serving) {
                    findings.append(ValidationFinding(.warning, servingPath, "differs from \(path): \(mismatch)"))
                } else {
                    findings.append(ValidationFinding(.info, servingPath, "serving example parsed"))
                }
                // The example must pass the model's own signature, as a client sending it would.
                if let signature {
                    do {
                        _ = try SchemaEnforcer.enforce(body: servingBytes, contentType: .json, signature: signature)
                        findings.append(ValidationFinding(.info, servingPath, "passes the signature's enforcement"))
                    } catch {
                        findings.append(ValidationFinding(.error, servingPath, "fails the signature's enforcement: \(error.message)"))
                    }
                }
            }
        } catch let error as InputExampleError {
            findings.append(ValidationFinding(.error, path, error.message))  // the finding names the file
        } catch {
            findings.append(ValidationFinding(.error, path, "\(error)"))
        }
    }

    private func checkPythonFunction(_ model: MLModel, _ dir: ModelDirectory, _ findings: inout [ValidationFinding]) {
        guard let pyfunc = model.flavor(named: MLModelFlavor.pythonFunction) else { return }
        let base = "\(MLModel.fileName):flavors.python_function"
        guard let loader = pyfunc.string("loader_module") else {
            findings.append(ValidationFinding(.error, "\(base).loader_module", "missing; expected the name of a Python module"))
            return
        }
        func requireEntry(_ key: String, _ relative: String, kind: ModelDirectory.EntryKind) {
            if let reason = ModelDirectory.unsafeReason(relative) {
                findings.append(ValidationFinding(.error, "\(base).\(key)", "path '\(relative.prefix(200))' refused: \(reason)"))
            } else if dir.kind(of: relative) != kind {
                findings.append(ValidationFinding(.error, "\(base).\(key)", "\(kind == .file ? "file" : "directory") '\(relative.prefix(200))' not found in the model directory"))
            }
        }
        if let data = pyfunc.string("data") {
            if let reason = ModelDirectory.unsafeReason(data) {
                findings.append(ValidationFinding(.error, "\(base).data", "path '\(data.prefix(200))' refused: \(reason)"))
            } else if dir.kind(of: data) == nil {
                findings.append(ValidationFinding(.error, "\(base).data", "'\(data.prefix(200))' not found in the model directory"))
            }
        }
        if let code = pyfunc.string("code") { requireEntry("code", code, kind: .directory) }
        if let env = pyfunc.config["env"] {
            if let mapping = env.mappingValue {
                for entry in mapping.entries {
                    if let key = entry.key.stringValue, let file = entry.value.stringValue {
                        requireEntry("env.\(key)", file, kind: .file)
                    }
                }
            } else if let file = env.stringValue {
                requireEntry("env", file, kind: .file)
            }
        }
        // What the loader reads, as the registered flavors know it (core names no loader module).
        if let known = registry.pythonLoader(loader) {
            for entry in known.entries {
                if let value = pyfunc.string(entry.key) {
                    requireEntry(entry.key, entry.relativePath(for: value), kind: entry.kind)
                } else if entry.required {
                    findings.append(ValidationFinding(.error, "\(base).\(entry.key)", "missing; \(loader) needs \(entry.purpose)"))
                }
            }
        }
        if let artifacts = pyfunc.config["artifacts"]?.mappingValue {
            for entry in artifacts.entries {
                let name = entry.key.stringValue ?? "\(entry.key)"
                guard let path = entry.value.mappingValue?["path"]?.stringValue else {
                    findings.append(ValidationFinding(.error, "\(base).artifacts.\(name).path", "missing"))
                    continue
                }
                if let reason = ModelDirectory.unsafeReason(path) {
                    findings.append(ValidationFinding(.error, "\(base).artifacts.\(name).path", "path '\(path.prefix(200))' refused: \(reason)"))
                } else if dir.kind(of: path) == nil {
                    findings.append(ValidationFinding(.error, "\(base).artifacts.\(name).path", "'\(path.prefix(200))' not found in the model directory"))
                }
            }
        }
    }

    private func checkEnvironment(_ model: MLModel, _ dir: ModelDirectory, _ findings: inout [ValidationFinding]) {
        let files = [PipRequirementsFile.fileName, PythonEnvironment.fileName, CondaEnvironment.fileName]
        let present = files.filter { dir.kind(of: $0) == .file }
        guard !present.isEmpty else {
            findings.append(ValidationFinding(.warning, PipRequirementsFile.fileName, "no environment files: Python MLflow cannot recreate the environment"))
            return
        }
        for file in files where !present.contains(file) {
            findings.append(ValidationFinding(.warning, file, "missing (mlpack pack generates it)"))
        }
        do {
            if present.contains(PipRequirementsFile.fileName) { _ = try PipRequirementsFile.load(from: try dir.resolve(PipRequirementsFile.fileName)) }
            if present.contains(PythonEnvironment.fileName) { _ = try PythonEnvironment.load(from: try dir.resolve(PythonEnvironment.fileName)) }
            if present.contains(CondaEnvironment.fileName) { _ = try CondaEnvironment.load(from: try dir.resolve(CondaEnvironment.fileName)) }
            findings.append(ValidationFinding(.info, present.joined(separator: ", "), "environment files parse"))
        } catch {
            findings.append(ValidationFinding(.error, "environment", "\(error)"))
        }
    }

    private func checkMetadata(_ model: MLModel, _ findings: inout [ValidationFinding]) {
        if let external = model.metadata?["mlflow.model.isExternal"], external.boolValue == true || external.stringValue?.lowercased() == "true" {
            findings.append(ValidationFinding(.error, "\(MLModel.fileName):metadata.mlflow.model.isExternal", "the model's artifacts are external; MLflow refuses to load it"))
        }
    }

    private func checkLoadability(_ model: MLModel, _ dir: ModelDirectory, _ findings: inout [ValidationFinding]) {
        checkEmbeddedModels(model, dir, &findings)
        do {
            let (flavor, match) = try registry.resolve(model, in: dir.root)
            findings.append(ValidationFinding(.info, "\(MLModel.fileName):flavors.\(match.block)", "loadable natively by mlpack flavor '\(flavor.name)'"))
            findings += flavor.validate(model, in: dir)
        } catch {
            let reason: String
            if case .notLoadable(_, _, let r) = error { reason = r } else { reason = error.description }
            findings.append(ValidationFinding(.warning, "\(MLModel.fileName):flavors", "not loadable natively: \(reason)"))
        }
    }
}

extension ModelValidator {
    /// Every model directory a registered flavor finds embedded in the model must be a directory
    /// inside the model (the flavor's own `validate` then checks its content).
    private func checkEmbeddedModels(_ model: MLModel, _ dir: ModelDirectory, _ findings: inout [ValidationFinding]) {
        var seen: Set<String> = []
        for (flavor, embedded) in registry.embeddedModels(in: model) where seen.insert(embedded.path).inserted {
            let location = "\(MLModel.fileName):\(embedded.key)"
            if let reason = ModelDirectory.unsafeReason(embedded.path) {
                findings.append(ValidationFinding(.error, location, "path '\(embedded.path.prefix(200))' refused: \(reason)"))
            } else if dir.kind(of: embedded.path) != .directory {
                findings.append(ValidationFinding(
                    .error, location, "directory '\(embedded.path.prefix(200))' (the \(flavor.name) flavor's embedded model) not found in the model directory"))
            }
        }
    }
}

/// Reads at most `limit` bytes of a regular file, refusing larger ones.
func readLimited(_ url: URL, limit: Int) throws -> [UInt8] {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    if let size = attributes[.size] as? Int, size > limit {
        throw FlavorError.invalidInput("\(url.lastPathComponent): \(size) bytes, more than the \(limit)-byte limit")
    }
    return [UInt8](try Data(contentsOf: url))
}
