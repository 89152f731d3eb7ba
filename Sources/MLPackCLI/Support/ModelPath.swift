import Foundation
import MLPackArchive
import MLPackCore

/// Resolves the `-m MODEL` argument of commands: a model directory, or an mlpack archive that is
/// verified and extracted once into the cache keyed by its SHA-256.
enum ModelPath {
    static func directory(for path: String) throws -> URL {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CommandFailure("\(path): no such file or directory")
        }
        if isDirectory.boolValue { return url }
        guard ArchiveCache.isArchive(url) else {
            throw CommandFailure("\(path): not a model directory or an mlpack archive (.zip)")
        }
        do {
            return try ArchiveCache().extractOnce(archive: url, progress: Terminal.stderrIsTerminal ? TerminalProgressBar() : nil)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }

    /// Loads the model at `path` through the registered flavors (``FlavorRegistry/load(directory:options:)``).
    static func load(_ path: String, threads: Int) throws -> (directory: URL, model: MLModel, loaded: any LoadedModel, flavor: any Flavor) {
        let directory = try directory(for: path)
        do {
            let result = try FlavorRegistry.shared.load(directory: directory, options: LoadOptions(threads: threads))
            return (result.directory, result.model, result.loaded, result.flavor)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
