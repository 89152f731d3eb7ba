import Foundation
import MLPackCore
import MLPackZip

/// Extracts an mlpack archive into a model directory, safely.
public enum ArchiveUnpacker {
    /// Unpacks `archive` into the directory `target`.
    ///
    /// Everything is checked before or while extracting: the zip-level rules of ``ZipReader`` (names,
    /// symlinks, duplicates, sizes, ratio, CRC), and against `MLPACK-MANIFEST.json`: no unlisted entry,
    /// no missing file, sizes and SHA-256 equal, `MLmodel` present. Files are written into a new
    /// temporary directory next to `target`, which is renamed to `target` only when all passed; on any
    /// failure it is removed, so nothing is left behind. An existing non-empty `target` is refused
    /// unless `force`. The manifest itself is not written into the model directory.
    @discardableResult
    public static func unpack(
        archive: URL, to target: URL, force: Bool = false, limits: ArchiveLimits = ArchiveLimits(),
        progress: (any ArchiveProgress)? = nil
    ) throws -> UnpackReport {
        defer { progress?.finish() }
        let targetPath = target.standardizedFileURL.path
        let existing = try existingTarget(targetPath)
        if existing == .nonEmpty, !force { throw ArchiveError.targetExists(path: targetPath) }

        let inspection = try ArchiveInspection(archive: archive.standardizedFileURL.path, limits: limits)
        if let first = inspection.problems.first { throw first }

        let parent = (targetPath as NSString).deletingLastPathComponent
        let createdAncestor = try createDirectory(parent)
        // A locked `.<name>.mlpack-tmp-<hex>` directory beside the target (TemporaryItem): removed on
        // failure here, or by the next unpack to the same place if this process is killed.
        let temporary: TemporaryItem
        do {
            temporary = try TemporaryItem.directory(for: URL(fileURLWithPath: targetPath))
        } catch {
            removeEmptyDirectories(from: parent, upTo: createdAncestor)
            throw ArchiveError.fileSystem(path: error.path, operation: "create temporary directory", reason: error.reason)
        }
        let staging = temporary.url.path
        do {
            let total = inspection.totalBytes
            var done: UInt64 = 0
            for (file, entry) in inspection.present {
                try extract(file, entry, inspection: inspection, into: staging) { n in
                    done += n
                    progress?.update(phase: "extracting", completed: done, total: total)
                }
            }
            try setDirectoryMode(staging)
            try moveIntoPlace(temporary, targetPath, existing: existing)
        } catch {
            temporary.discard()
            // Only directories this call created and that are still empty: another process may have
            // put its own work there meanwhile (a concurrent unpack of the same archive into a cache).
            removeEmptyDirectories(from: parent, upTo: createdAncestor)
            throw error
        }
        return UnpackReport(
            directory: targetPath, manifest: inspection.manifest, totalBytes: inspection.totalBytes,
            replacedExisting: existing != .absent)
    }

    enum Existing { case absent, emptyDirectory, nonEmpty }

    static func existingTarget(_ path: String) throws -> Existing {
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT { return .absent }
            throw ArchiveError.posix(path, "stat")
        }
        if info.st_mode & S_IFMT == S_IFDIR, (try? FileManager.default.contentsOfDirectory(atPath: path).isEmpty) == true {
            return .emptyDirectory
        }
        return .nonEmpty
    }

    /// Writes one file under `root`, creating its directories; refuses to follow or replace anything.
    private static func extract(
        _ file: ArchiveManifest.File, _ entry: ZipEntry, inspection: ArchiveInspection, into root: String,
        progress: (UInt64) -> Void
    ) throws {
        var directory = root
        for component in file.path.split(separator: "/").dropLast() {
            directory += "/" + component
            if mkdir(directory, 0o755) != 0, errno != EEXIST {
                throw ArchiveError.posix(directory, "mkdir")
            }
        }
        let path = root + "/" + file.path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if fd < 0 { throw ArchiveError.posix(path, "create") }
        var closed = false
        defer { if !closed { close(fd) } }
        try inspection.read(file, entry) { chunk in
            var offset = 0
            while offset < chunk.count {
                let n = write(fd, chunk.baseAddress! + offset, chunk.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ArchiveError.posix(path, "write")
                }
                offset += n
            }
            progress(UInt64(chunk.count))
        }
        closed = true
        if close(fd) != 0 {
            throw ArchiveError.posix(path, "close")
        }
    }

    /// Creates `path` and missing ancestors; returns the top-most directory it created (to remove on
    /// failure), or nil if `path` existed.
    static func createDirectory(_ path: String) throws -> String? {
        var topmost: String?
        var probe = path
        while !probe.isEmpty, probe != "/", !FileManager.default.fileExists(atPath: probe) {
            topmost = probe
            probe = (probe as NSString).deletingLastPathComponent
        }
        guard let topmost else { return nil }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ArchiveError.fileSystem(path: path, operation: "create directory", reason: error.localizedDescription)
        }
        return topmost
    }

    /// Removes `directory` and its parents up to `topmost` (the first one this call created), each
    /// only if empty (rmdir(2)); stops at the first that is not.
    static func removeEmptyDirectories(from directory: String, upTo topmost: String?) {
        guard let topmost else { return }
        var path = directory
        while path.hasPrefix(topmost) {
            if rmdir(path) != 0 { return }
            if path == topmost { return }
            path = (path as NSString).deletingLastPathComponent
        }
    }

    /// The temporary directory is made 0700; the model directory gets the usual 0755 (less the umask).
    private static func setDirectoryMode(_ path: String) throws {
        let mask = umask(0)
        umask(mask)
        if chmod(path, 0o755 & ~mask) != 0 {
            throw ArchiveError.posix(path, "chmod")
        }
    }

    /// Renames the finished `staging` directory to `target`. An existing target is swapped with it in
    /// one step where the system can (``TemporaryItem/exchange(with:)``), else moved aside first and
    /// deleted only after the new one is in place (restored if the rename fails).
    private static func moveIntoPlace(_ staging: TemporaryItem, _ target: String, existing: Existing) throws {
        let targetURL = URL(fileURLWithPath: target)
        switch existing {
        case .absent, .emptyDirectory:
            // rename(2) replaces an empty directory atomically. A non-empty one appearing meanwhile was
            // put there by another unpack: the target exists now, as if it had at the start.
            do { try staging.commit(to: targetURL) } catch {
                if error.code == ENOTEMPTY || error.code == EEXIST { throw ArchiveError.targetExists(path: target) }
                throw ArchiveError.fileSystem(path: target, operation: "rename into place", reason: error.reason)
            }
        case .nonEmpty:
            do {
                if try staging.exchange(with: targetURL) { return }
            } catch {
                throw ArchiveError.fileSystem(path: target, operation: "swap into place", reason: error.reason)
            }
            let aside = TemporaryItem.asideURL(for: targetURL).path
            if rename(target, aside) != 0 {
                throw ArchiveError.posix(target, "move existing directory aside")
            }
            do { try staging.commit(to: targetURL) } catch {
                rename(aside, target)
                throw ArchiveError.fileSystem(path: target, operation: "rename into place", reason: error.reason)
            }
            try? FileManager.default.removeItem(atPath: aside)
        }
    }
}
