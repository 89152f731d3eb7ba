import Foundation
import MLPackCore

/// Archives extracted once into a cache directory keyed by the archive's SHA-256, so commands can take
/// an archive path wherever they take a model directory.
public struct ArchiveCache: Sendable {
    /// The cache root; extracted models live in `<root>/archives/<sha256>`.
    public let root: URL
    /// Limits applied when extracting.
    public let limits: ArchiveLimits

    /// A cache under `root`, by default `$MLPACK_CACHE_DIR`, else `$XDG_CACHE_HOME/mlpack`, else
    /// `~/.cache/mlpack` (the same root as `scripts/fetch-model.sh`).
    public init(root: URL? = nil, limits: ArchiveLimits = ArchiveLimits()) {
        self.root = root ?? Self.defaultRoot()
        self.limits = limits
    }

    static func defaultRoot() -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["MLPACK_CACHE_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("mlpack")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/mlpack")
    }

    /// Whether a path names an archive rather than a model directory: a regular file starting with a
    /// zip signature.
    public static func isArchive(_ path: URL) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path.path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        return head == Data([0x50, 0x4B, 0x03, 0x04])
    }

    /// The model directory of `archive`, extracted and verified on first use (``ArchiveUnpacker``:
    /// every check and every SHA-256), reused afterwards. On reuse the archive is hashed again (the key)
    /// and every listed file's presence and size is checked; a damaged cache entry is extracted anew.
    public func extractOnce(archive: URL, progress: (any ArchiveProgress)? = nil) throws -> URL {
        let path = archive.standardizedFileURL.path
        let digest = try FileDigest.sha256(ofFile: path).digest
        let directory = root.appendingPathComponent("archives", isDirectory: true).appendingPathComponent(digest, isDirectory: true)
        if FileManager.default.fileExists(atPath: directory.path) {
            let manifest = try ArchiveVerifier.manifest(of: archive, limits: limits)
            if Self.matches(directory, manifest) { return directory }
            // Damaged: moved aside first (atomic), so no reader meets a half-deleted directory. The
            // aside name is a temporary's (unlocked): if this process dies before deleting it, the
            // next extraction of the same archive does.
            let aside = TemporaryItem.asideURL(for: directory)
            if rename(directory.path, aside.path) == 0 { try? FileManager.default.removeItem(at: aside) }
        }
        do {
            try ArchiveUnpacker.unpack(archive: archive, to: directory, force: false, limits: limits, progress: progress)
        } catch ArchiveError.targetExists {
            // Another process extracted the same archive meanwhile (its rename is atomic).
        }
        return directory
    }

    /// Every listed file exists as a regular file of the listed size.
    static func matches(_ directory: URL, _ manifest: ArchiveManifest) -> Bool {
        manifest.files.allSatisfy { file in
            var info = stat()
            let path = directory.path + "/" + file.path
            return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && UInt64(info.st_size) == file.size
        }
    }
}
