import MLPackZip

/// Why packing, unpacking or verifying an archive failed. Each case names the archive or directory
/// and the entry or file at fault.
public enum ArchiveError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A zip-level refusal (unsafe name, symlink, duplicate, size, ratio, CRC, unreadable archive).
    case zip(ZipError)
    /// The archive has no `MLPACK-MANIFEST.json`: it was not written by `mlpack pack`.
    case missingManifest(archive: String)
    /// The manifest is not valid JSON or breaks the schema; `keyPath` locates the fault.
    case invalidManifest(archive: String, keyPath: String, reason: String)
    /// An archive entry that the manifest does not list.
    case unlistedEntry(archive: String, entry: String)
    /// A file the manifest lists that the archive lacks.
    case missingFile(archive: String, entry: String)
    /// The manifest does not list `MLmodel`, or the model directory has none.
    case missingMLmodel(location: String)
    /// An entry whose size differs from the manifest's.
    case sizeMismatch(archive: String, entry: String, manifest: UInt64, actual: UInt64)
    /// An entry whose SHA-256 differs from the manifest's.
    case hashMismatch(archive: String, entry: String, manifest: String, actual: String)
    /// The unpack target exists and is not empty, and `force` was not given.
    case targetExists(path: String)
    /// The pack output already exists and overwriting was not asked for.
    case outputExists(path: String)
    /// The output archive would be inside the model directory it packs.
    case outputInsideModel(output: String, modelDirectory: String)
    /// The model directory is not a directory.
    case notADirectory(path: String)
    /// A file in the model directory that cannot be packed (symbolic link, special file, unsafe name).
    case unsupportedFile(path: String, reason: String)
    /// A model file changed while it was being packed.
    case fileChangedDuringPack(path: String)
    /// Generating a missing environment file failed.
    case environmentGenerationFailed(file: String, reason: String)
    /// A file-system operation failed.
    case fileSystem(path: String, operation: String, reason: String)

    public var description: String {
        switch self {
        case let .zip(error): return error.description
        case let .missingManifest(archive):
            return "\(archive): no \(ArchiveManifest.fileName) entry; not an mlpack archive (made by `mlpack pack`)"
        case let .invalidManifest(archive, keyPath, reason):
            return "\(archive): \(ArchiveManifest.fileName) at \(keyPath.isEmpty ? "the top level" : keyPath): \(reason)"
        case let .unlistedEntry(archive, entry):
            return "\(archive): entry '\(entry)' is not listed in \(ArchiveManifest.fileName)"
        case let .missingFile(archive, entry):
            return "\(archive): entry '\(entry)' is listed in \(ArchiveManifest.fileName) but missing from the archive"
        case let .missingMLmodel(location):
            return "\(location): 'MLmodel' is missing; a model needs an MLmodel file at its root"
        case let .sizeMismatch(archive, entry, manifest, actual):
            return "\(archive): entry '\(entry)' is \(actual) bytes, \(ArchiveManifest.fileName) says \(manifest)"
        case let .hashMismatch(archive, entry, manifest, actual):
            return "\(archive): entry '\(entry)' has SHA-256 \(actual), \(ArchiveManifest.fileName) says \(manifest) (tampered or corrupt)"
        case let .targetExists(path):
            return "\(path): already exists and is not empty; use --force to replace it"
        case let .outputExists(path):
            return "\(path): already exists; use --force to replace it"
        case let .outputInsideModel(output, modelDirectory):
            return "\(output): the archive cannot be written inside the model directory \(modelDirectory)"
        case let .notADirectory(path):
            return "\(path): not a model directory"
        case let .unsupportedFile(path, reason):
            return "\(path): cannot pack: \(reason)"
        case let .fileChangedDuringPack(path):
            return "\(path): changed while it was being packed; the archive was removed, pack again"
        case let .environmentGenerationFailed(file, reason):
            return "\(file): could not be generated: \(reason)"
        case let .fileSystem(path, operation, reason):
            return "\(path): \(operation) failed: \(reason)"
        }
    }

    /// The archive entry or model file at fault, if the error concerns one.
    public var entry: String? {
        switch self {
        case let .zip(error): return error.entry
        case .missingManifest: return ArchiveManifest.fileName
        case .missingMLmodel: return "MLmodel"
        case let .unlistedEntry(_, entry), let .missingFile(_, entry), let .sizeMismatch(_, entry, _, _),
            let .hashMismatch(_, entry, _, _):
            return entry
        case .invalidManifest: return ArchiveManifest.fileName
        case let .unsupportedFile(path, _), let .fileChangedDuringPack(path): return path
        case let .environmentGenerationFailed(file, _): return file
        case .targetExists, .outputExists, .outputInsideModel, .notADirectory, .fileSystem: return nil
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ArchiveError {
    /// A ``fileSystem`` error for the current `errno`.
    static func posix(_ path: String, _ operation: String) -> ArchiveError {
        .fileSystem(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
