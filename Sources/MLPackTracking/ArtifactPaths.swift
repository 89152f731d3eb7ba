import Foundation
import MLPackCore

/// Path rules shared by artifact repositories: relative `/`-separated paths only, regular files only,
/// and whole-or-nothing writes (temp file, then rename).
enum ArtifactPaths {
    /// Refuses absolute, `..` and NUL-containing paths, and paths naming nothing
    /// (``LocalArtifactRepository/components(_:location:)``, the one rule for every repository).
    static func check(_ relativePath: String, in location: String) throws(TrackingError) {
        _ = try LocalArtifactRepository.components(relativePath, location: location)
    }

    /// The size of a regular file (symlinks refused: never upload what a link points at).
    static func regularFileSize(_ file: URL) throws(TrackingError) -> Int64 {
        var info = stat()
        guard lstat(file.path, &info) == 0 else { throw .artifact(path: file.path, message: "cannot read: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .artifact(path: file.path, message: "not a regular file (symlinks and devices are not uploaded)") }
        return Int64(info.st_size)
    }

    /// `<dir>/.<name>.mlpack-<random>.tmp` next to `destination`.
    static func temporarySibling(of destination: URL) -> URL {
        destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).mlpack-\(UUID().uuidString.prefix(8)).tmp")
    }

    /// Renames `temporary` over `destination` (atomic on one file system).
    static func replace(_ destination: URL, with temporary: URL) throws(TrackingError) {
        guard rename(temporary.path, destination.path) == 0 else {
            throw .artifact(path: destination.path, message: "cannot move the downloaded file into place: \(String(cString: strerror(errno)))")
        }
    }

    /// Every regular file under `directory`, relative, sorted; symlinks and other kinds refused.
    static func files(under directory: URL) throws(TrackingError) -> [String] {
        var result: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let path = relative.isEmpty ? directory.path : directory.path + "/" + relative
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw .artifact(path: path, message: "cannot list: \(error.localizedDescription)")
            }
            for name in names where !TemporaryItem.isTemporaryName(name) {  // writes in progress are not files of the model
                let child = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(directory.path + "/" + child, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: pending.append(child)
                case S_IFREG: result.append(child)
                default: throw .artifact(path: directory.path + "/" + child, message: "not a regular file or directory (symlinks are refused)")
                }
            }
        }
        return result.sorted()
    }
}
