import Foundation

/// An environment file every packed model carries at its root.
public enum PackEnvironmentFile: String, CaseIterable, Sendable, Hashable {
    case requirements = "requirements.txt"
    case pythonEnv = "python_env.yaml"
    case conda = "conda.yaml"

    /// The file's name at the model root.
    public var fileName: String { rawValue }
}

/// What the packer needs from the model formats (MLPackCore): the flavors an MLmodel declares and
/// the default environment files for them. The packer itself does not parse MLmodel files.
public protocol PackModelSupport: Sendable {
    /// Flavor names of the `flavors` mapping in `modelDirectory/MLmodel`, in file order.
    func flavors(modelDirectory: URL) throws -> [String]

    /// Contents of each `missing` environment file, generated from the flavors' defaults (and from the
    /// environment files that do exist in `modelDirectory`). Must return every requested file.
    func generateEnvironmentFiles(
        _ missing: [PackEnvironmentFile], modelDirectory: URL, flavors: [String]
    ) throws -> [PackEnvironmentFile: [UInt8]]
}
