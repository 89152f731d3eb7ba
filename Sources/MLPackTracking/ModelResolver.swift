import Crypto
import Foundation
import NIOPosix

/// Turns a `models:/` or `runs:/` URI into a local model directory: resolves it against the store
/// (as MLflow's `ModelsArtifactRepository` / `RunsArtifactRepository` do), then uses the files in
/// place when the store keeps them on this machine, or downloads them once into a cache.
///
/// The cache is keyed by what the URI resolved to (a logged model id is immutable once READY; else
/// the artifact location), under `<cache>/tracking/<sha256(tracking URI, key)>`. Every download is
/// checked file for file against the store's listing (path and size) and written to a temporary
/// directory that is renamed into place, so a concurrent second download of the same model is safe:
/// one rename wins, the other run uses the winner's copy. The SHA-256 of every file is recorded
/// beside the copy (`<key>.sha256`, sha256sum's format) and checked on each reuse: a copy changed
/// on disk since its download is downloaded again.
public struct ModelResolver: Sendable {
    public let store: any TrackingStore
    public let cacheRoot: URL

    public init(store: any TrackingStore, cacheRoot: URL) {
        self.store = store
        self.cacheRoot = cacheRoot
    }

    /// Where a URI's files are, and which logged model (if any) they belong to.
    public struct Resolution: Sendable, Equatable {
        public var artifactLocation: String
        public var modelID: String?
    }

    public func resolve(_ uri: ModelURI) async throws -> Resolution {
        switch uri {
        case .loggedModel(let id):
            let model = try await store.loggedModel(id: id)
            switch model.status {
            case .ready: break
            case .pending:
                throw TrackingError.notFound(what: uri.description, detail: "the logged model is still PENDING: its upload has not finished (or its writer died; it is READY only once every file is in)")
            case .failed:
                throw TrackingError.notFound(what: uri.description, detail: "the logged model's upload FAILED; log it again")
            }
            return Resolution(artifactLocation: model.artifactLocation, modelID: model.id)
        case .version(let name, let version):
            return try await resolveVersion(try await store.modelVersion(name: name, version: version), uri: uri)
        case .latest(let name):
            return try await resolveVersion(try await store.latestVersion(name: name), uri: uri)
        case .alias(let name, let alias):
            return try await resolveVersion(try await store.modelVersion(name: name, alias: alias), uri: uri)
        case .stage(let name, let stage):
            throw TrackingError.unsupportedURI(uri: uri.description, reason: "model stages (\(stage)) are deprecated since MLflow 2.9 and not resolved by mlpack; give the version an alias (`mlflow` client set_registered_model_alias) and use models:/\(name)@<alias>")
        case .run(let runID, let path):
            let run = try await store.run(id: runID)
            // A logged model of that name from this run (MLflow 3), else files under the run's artifacts.
            let name = String(path.split(separator: "/").first ?? "")
            let models = try await store.searchLoggedModels(experimentIDs: [run.experimentID])
            if let model = models.first(where: { $0.name == name && $0.sourceRunID == runID }) {
                let rest = path.split(separator: "/").dropFirst().joined(separator: "/")
                let location = rest.isEmpty ? model.artifactLocation : model.artifactLocation + "/" + rest
                return Resolution(artifactLocation: location, modelID: rest.isEmpty ? model.id : nil)
            }
            return Resolution(artifactLocation: run.artifactURI + "/" + path, modelID: nil)
        }
    }

    private func resolveVersion(_ version: ModelVersion, uri: ModelURI) async throws -> Resolution {
        if version.source.hasPrefix("models:/"), case .loggedModel(let id)? = try? ModelURI.parse(version.source) {
            return try await resolve(.loggedModel(id: id))
        }
        let location = try await store.downloadURI(name: version.name, version: version.version)
        return Resolution(artifactLocation: location, modelID: version.modelID)
    }

    /// The local model directory of `uri`: resolved, then used in place or downloaded once.
    /// `progress` gets the bytes downloaded so far and the total, after each file.
    public func localDirectory(for uri: ModelURI, progress: (@Sendable (UInt64, UInt64) -> Void)? = nil) async throws -> URL {
        let resolution = try await resolve(uri)
        return try await localDirectory(for: resolution, uri: uri.description, progress: progress)
    }

    func localDirectory(for resolution: Resolution, uri: String, progress: (@Sendable (UInt64, UInt64) -> Void)?) async throws -> URL {
        let repository = try store.artifacts(at: resolution.artifactLocation)
        if let local = repository as? LocalArtifactRepository {
            // The store keeps the files on this machine: read them where they are.
            guard FileManager.default.fileExists(atPath: local.root.appendingPathComponent("MLmodel").path) else {
                throw TrackingError.artifact(path: local.root.path, message: "\(uri) resolves here, but there is no MLmodel file: not a model directory")
            }
            return local.root
        }
        let files = try await repository.listFiles()
        guard files.contains(where: { $0.path == "MLmodel" }) else {
            throw TrackingError.notFound(what: uri, detail: "\(resolution.artifactLocation) holds no MLmodel file (\(files.count) files): not a model")
        }
        let key = resolution.modelID ?? resolution.artifactLocation
        let digest = SHA256.hash(data: Data((store.uri + "\n" + key).utf8)).map { String(format: "%02x", $0) }.joined()
        let tracking = cacheRoot.appendingPathComponent("tracking", isDirectory: true)
        let directory = tracking.appendingPathComponent(digest, isDirectory: true)
        if try await Self.isIntact(directory, files) { return directory }
        try FileManager.default.createDirectory(at: tracking, withIntermediateDirectories: true)
        let temporary = tracking.appendingPathComponent(".\(digest).\(UUID().uuidString.prefix(8)).partial", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let total = files.reduce(UInt64(0)) { $0 + UInt64(max(0, $1.size ?? 0)) }
        var done: UInt64 = 0
        for file in files {
            try ArtifactPaths.check(file.path, in: resolution.artifactLocation)
            let target = temporary.appendingPathComponent(file.path)
            try await repository.download(file.path, to: target)
            done += UInt64(max(0, file.size ?? 0))
            progress?(done, total)
        }
        guard Self.matches(temporary, files) else {
            throw TrackingError.artifact(path: resolution.artifactLocation, message: "the downloaded files differ from the store's listing (sizes); not used")
        }
        // The digests go beside the copy before the copy is renamed into place, so a copy in place
        // always has them (every downloader of the same model writes the same file, atomically).
        try Self.writeSums(try await Self.digests(of: temporary, files.map(\.path)), for: directory)
        // A damaged or stale copy is replaced; a complete one that appeared meanwhile is kept.
        if FileManager.default.fileExists(atPath: directory.path) {
            if try await Self.isIntact(directory, files) { return directory }
            let stale = tracking.appendingPathComponent(".\(digest).\(UUID().uuidString.prefix(8)).stale")
            if rename(directory.path, stale.path) == 0 { try? FileManager.default.removeItem(at: stale) }
        }
        if rename(temporary.path, directory.path) != 0 {
            guard try await Self.isIntact(directory, files) else {
                throw TrackingError.artifact(path: directory.path, message: "cannot move the download into the cache: \(String(cString: strerror(errno)))")
            }
        }
        return directory
    }

    /// `<directory>.sha256`: one `<sha256>  <path>` line per file.
    static func sumsFile(for directory: URL) -> URL {
        directory.deletingLastPathComponent().appendingPathComponent(directory.lastPathComponent + ".sha256")
    }

    static func writeSums(_ sums: [String: String], for directory: URL) throws {
        let text = sums.keys.sorted().map { "\(sums[$0]!)  \($0)\n" }.joined()
        let target = sumsFile(for: directory)
        let temporary = ArtifactPaths.temporarySibling(of: target)
        try Data(text.utf8).write(to: temporary)
        try ArtifactPaths.replace(target, with: temporary)
    }

    /// The copy has exactly the listed files, of the listed sizes, with the digests recorded at download.
    static func isIntact(_ directory: URL, _ files: [ArtifactFile]) async throws -> Bool {
        guard matches(directory, files),
              let text = try? String(contentsOf: sumsFile(for: directory), encoding: .utf8) else { return false }
        var recorded: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { return false }
            recorded[String(parts[1].drop { $0 == " " })] = String(parts[0])
        }
        guard Set(recorded.keys) == Set(files.map(\.path)) else { return false }
        return try await digests(of: directory, files.map(\.path)) == recorded
    }

    /// SHA-256 of each file, read in 1 MiB chunks on NIO's blocking pool (never the cooperative pool).
    static func digests(of directory: URL, _ paths: [String]) async throws -> [String: String] {
        try await NIOThreadPool.singleton.runIfActive {
            var result: [String: String] = [:]
            for path in paths {
                guard let handle = FileHandle(forReadingAtPath: directory.appendingPathComponent(path).path) else {
                    throw TrackingError.artifact(path: directory.appendingPathComponent(path).path, message: "cannot read")
                }
                defer { try? handle.close() }
                var hasher = SHA256()
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
                result[path] = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            }
            return result
        }
    }

    /// Every listed file is a regular file of the listed size, and nothing else is there.
    static func matches(_ directory: URL, _ files: [ArtifactFile]) -> Bool {
        guard let present = try? ArtifactPaths.files(under: directory), present == files.map(\.path).sorted() else { return false }
        return files.allSatisfy { file in
            var info = stat()
            guard lstat(directory.path + "/" + file.path, &info) == 0 else { return false }
            return file.size.map { Int64(info.st_size) == $0 } ?? true
        }
    }
}
