import Foundation
import MLPackArchive
import MLPackCore
import MLPackTracking

/// Resolves the `-m MODEL` argument of commands: a model directory, an mlpack archive (verified and
/// extracted once into the cache keyed by its SHA-256), a `file:` URI, or a `models:/…` / `runs:/…`
/// URI resolved against the tracking store (`MLFLOW_TRACKING_URI`, else MLflow's local default
/// `sqlite:///mlflow.db`) and downloaded once into the cache.
enum ModelPath {
    static func directory(for path: String) throws -> URL {
        if ModelURI.isTrackingURI(path) { return try TrackedModel.directory(for: path) }
        let path = path.hasPrefix("file:") ? FileURI.path(path) : path
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
    static func load(_ path: String, threads: Int?, precision: Precision = .fp32) throws -> (directory: URL, model: MLModel, loaded: any LoadedModel, flavor: any Flavor) {
        let directory = try directory(for: path)
        do {
            let result = try FlavorRegistry.shared.load(directory: directory, options: LoadOptions(threads: threads, precision: precision))
            return (result.directory, result.model, result.loaded, result.flavor)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

/// `file:///abs/path` or `file:rel/path` → the path.
enum FileURI {
    static func path(_ uri: String) -> String {
        var rest = uri.dropFirst("file:".count)
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            // file://localhost/path or file:///path
            if let slash = rest.firstIndex(of: "/") { rest = rest[slash...] }
        }
        let text = String(rest)
        return text.removingPercentEncoding ?? text
    }
}

/// Models named by tracking URIs, for the commands that take a model.
enum TrackedModel {
    /// The local directory of a `models:/` or `runs:/` URI (downloaded once into mlpack's cache when
    /// the store keeps its files elsewhere). Errors name the URI and the store.
    static func directory(for text: String) throws -> URL {
        let uri: ModelURI
        do { uri = try ModelURI.parse(text) } catch { throw CommandFailure("\(error)") }
        let trackingURI = TrackingStores.trackingURI()
        let progress = TerminalProgressBar()
        do {
            let directory = try Blocking.wait {
                try await TrackingStores.withStore(uri: trackingURI) { store in
                    try await ModelResolver(store: store, cacheRoot: ArchiveCache().root).localDirectory(for: uri) { done, total in
                        progress.update(phase: "downloading", completed: done, total: total)
                    }
                }
            }
            progress.finish()
            return directory
        } catch {
            progress.finish()
            throw CommandFailure("\(text) (tracking URI \(trackingURI)): \(error)")
        }
    }
}
