import Foundation
import MLPackCore
import MLPackZip

/// Lists the regular files of a model directory, refusing what cannot be packed safely.
enum ModelFileScanner {
    struct Source {
        /// Relative path with `/` separators.
        var path: String
        var absolutePath: String
        var size: UInt64
        var modified: timespec
        var inode: UInt64

        /// Whether the file still has the size, modification time and inode seen by the scan.
        func isUnchanged() -> Bool {
            var info = stat()
            guard lstat(absolutePath, &info) == 0 else { return false }
            return UInt64(info.st_size) == size && info.st_mtim.tv_sec == modified.tv_sec
                && info.st_mtim.tv_nsec == modified.tv_nsec && UInt64(info.st_ino) == inode
        }
    }

    /// Every regular file under `root`, sorted by the UTF-8 bytes of the relative path.
    /// Symbolic links, special files and names that are unsafe in an archive are errors.
    static func scan(root: String) throws -> [Source] {
        var found: [Source] = []
        try walk(root: root, relative: "", into: &found)
        return found.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private static func walk(root: String, relative: String, into found: inout [Source]) throws {
        let directory = relative.isEmpty ? root : root + "/" + relative
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ArchiveError.fileSystem(path: directory, operation: "list directory", reason: error.localizedDescription)
        }
        // An mlpack temporary (`.<name>.mlpack-tmp-…`, a write in progress or left by a killed one)
        // is not part of the model.
        for name in names where !TemporaryItem.isTemporaryName(name) {
            let path = relative.isEmpty ? name : relative + "/" + name
            let absolute = root + "/" + path
            if let reason = ZipEntryName.problem(with: path) {
                throw ArchiveError.unsupportedFile(path: absolute, reason: "name not allowed in an archive: \(reason)")
            }
            var info = stat()
            guard lstat(absolute, &info) == 0 else {
                throw ArchiveError.posix(absolute, "stat")
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try walk(root: root, relative: path, into: &found)
            case S_IFREG:
                found.append(Source(
                    path: path, absolutePath: absolute, size: UInt64(info.st_size), modified: info.st_mtim,
                    inode: UInt64(info.st_ino)))
            case S_IFLNK:
                throw ArchiveError.unsupportedFile(path: absolute, reason: "symbolic link (copy the file it points to instead)")
            default:
                throw ArchiveError.unsupportedFile(path: absolute, reason: "not a regular file or directory")
            }
        }
    }
}
