import Foundation

/// Finishes what a flavor's ``Flavor/save(_:into:)`` starts: input example files, environment
/// files, `model_size_bytes`, `MLmodel`, then an atomic rename of the staging directory onto the
/// destination, so a failure never leaves a half-written model behind.
public struct ModelSaver: Sendable {
    /// Python tool versions written into `python_env.yaml` / `conda.yaml` of saved models
    /// (mlpack has no interpreter of its own; these match the MLflow release it follows).
    public var pythonTools: PythonToolVersions

    public init(pythonTools: PythonToolVersions = ModelSaver.defaultPythonTools) {
        self.pythonTools = pythonTools
    }

    public static let defaultPythonTools = PythonToolVersions(python: "3.11.7", pip: nil, setuptools: nil, wheel: nil)

    /// What ``save(_:with:to:)`` wrote.
    public struct Report: Sendable {
        public var directory: URL
        public var model: MLModel
        public var environment: ModelEnvironment
        public var sizeBytes: Int
    }

    /// Saves `request` through `flavor` into `destination`, which must not exist yet
    /// (MLflow's `save_model` refuses an existing non-empty directory too).
    public func save(_ request: SaveRequest, with flavor: any Flavor, to destination: URL) throws -> Report {
        let fm = FileManager.default
        let destination = destination.standardizedFileURL
        if fm.fileExists(atPath: destination.path) {
            throw SaveError.destinationExists(destination.path)
        }
        let parent = destination.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        // A locked `.<name>.mlpack-tmp-<hex>` directory beside the destination (TemporaryItem):
        // removed on failure here, or by the next save to the same place if this process is killed.
        let temporary = try TemporaryItem.directory(for: destination)
        let staging = temporary.url
        guard chmod(staging.path, 0o755 & ~Self.umaskValue()) == 0 else {
            throw TemporaryItem.Failure(path: staging.path, reason: "chmod failed: \(String(cString: strerror(errno)))")
        }
        do {
            let content = try flavor.save(request, into: staging)
            var model = MLModel(flavors: content.flavors)
            if let signature = content.signature { model.setSignature(signature) }
            if let example = request.inputExample ?? content.defaultInputExample {
                try Data(example.inputExampleBytes).write(to: staging.appendingPathComponent(InputExample.fileName))
                try Data(example.servingInputBytes).write(to: staging.appendingPathComponent(InputExample.servingFileName))
                model.savedInputExampleInfo = YAMLMapping(
                    example.savedInfo.sorted { $0.key < $1.key }.map { (YAMLValue.string($0.key), YAMLValue.string($0.value)) })
            }
            let metadata = content.metadata + request.metadata
            if !metadata.isEmpty {
                model.metadata = YAMLMapping(metadata.map { (YAMLValue.string($0.0), YAMLValue.string($0.1)) })
            }
            let environment = try ModelEnvironment.resolve(
                defaultRequirements: content.defaultPipRequirements,
                pipRequirements: request.pipRequirements,
                extraPipRequirements: request.extraPipRequirements.isEmpty ? nil : request.extraPipRequirements,
                tools: pythonTools)
            try environment.write(to: staging)
            let size = try Self.totalFileSize(staging)
            model.modelSizeBytes = size
            try model.write(to: staging.appendingPathComponent(MLModel.fileName))
            if fm.fileExists(atPath: destination.path) { throw SaveError.destinationExists(destination.path) }
            try temporary.commit(to: destination)
            return Report(directory: destination, model: model, environment: environment, sizeBytes: size)
        } catch {
            temporary.discard()
            throw error
        }
    }

    static func umaskValue() -> mode_t {
        let mask = umask(0)
        umask(mask)
        return mask
    }

    /// Sum of the sizes of all regular files under `directory` (MLflow's `get_total_file_size`).
    public static func totalFileSize(_ directory: URL) throws -> Int {
        var total = 0
        guard let e = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else {
            return 0
        }
        for case let url as URL in e {
            let values = try url.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            if values.isRegularFile == true { total += values.fileSize ?? 0 }
        }
        return total
    }
}

/// Why a model could not be saved.
public enum SaveError: Error, Sendable, Equatable, CustomStringConvertible {
    case destinationExists(String)
    case invalidSource(String, reason: String)

    public var description: String {
        switch self {
        case .destinationExists(let path):
            return "\(path): already exists; choose a new directory (nothing was written)"
        case .invalidSource(let source, let reason):
            return "\(source.prefix(300)): \(reason)"
        }
    }
}
