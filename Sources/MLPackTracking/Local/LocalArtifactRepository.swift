import Foundation
import MLPackCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Files under a local artifact location (the local store's `<root>/<exp>/models/m-…/artifacts`, or
/// any directory).
///
/// - Paths are relative, `/`-separated; absolute paths and `..` are refused.
/// - Below the root, no symbolic link is followed: every directory is opened with `O_NOFOLLOW`, so a
///   link planted under the location can neither redirect a write nor expose a file outside it.
/// - Uploads and downloads copy to a temporary name in the destination directory, then rename:
///   a file is there whole or not at all. Nothing is read whole into memory.
public struct LocalArtifactRepository: ArtifactRepository {
    /// The directory; it need not exist before the first upload.
    public let root: URL
    public var location: String { root.path }

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// A location as the local store writes it: an absolute path or a `file:` URI
    /// (`file:///abs/path`, `file:/abs/path`, `file://localhost/abs/path`).
    public init(uri: String) throws(TrackingError) {
        if uri.hasPrefix("/") {
            self.init(root: URL(fileURLWithPath: uri))
            return
        }
        if uri.hasPrefix("file:") {
            guard let url = URL(string: uri), url.isFileURL, url.path.hasPrefix("/"),
                  url.host == nil || url.host == "" || url.host == "localhost"
            else {
                throw .unsupportedURI(uri: uri, reason: "expected file:///<absolute path> (a local file URI without a remote host)")
            }
            self.init(root: URL(fileURLWithPath: url.path))
            return
        }
        throw .unsupportedURI(
            uri: uri, reason: "the local store's artifact locations are absolute paths or file:// URIs (relative paths and other schemes are refused)")
    }

    // MARK: ArtifactRepository

    // File copies and directory walks block: they run on NIO's blocking pool, never the cooperative pool.
    public func upload(file: URL, to relativePath: String) async throws {
        try await NIOThreadPool.singleton.runIfActive { try uploadNow(file: file, to: relativePath) }
    }

    public func listFiles() async throws -> [ArtifactFile] {
        try await NIOThreadPool.singleton.runIfActive { try listFilesNow() }
    }

    public func download(_ relativePath: String, to destination: URL) async throws {
        try await NIOThreadPool.singleton.runIfActive { try downloadNow(relativePath, to: destination) }
    }

    func uploadNow(file: URL, to relativePath: String) throws {
        let parts = try Self.components(relativePath, location: location)
        let target = display(relativePath)
        let source = open(file.path, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw TrackingError.artifact(path: file.path, message: "cannot open for upload: \(Self.lastError())") }
        defer { close(source) }
        try Self.requireRegularFile(source, path: file.path)

        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw TrackingError.artifact(path: location, message: "cannot create the artifact directory: \(error.localizedDescription)")
        }
        let dir = try openDirectory(parts.dropLast(), create: true, for: target)
        defer { close(dir) }
        try Self.copy(from: source, sourcePath: file.path, intoDirectory: dir, name: parts.last!, displayPath: target)
    }

    func listFilesNow() throws -> [ArtifactFile] {
        let fd = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return [] }
            throw TrackingError.artifact(path: location, message: "cannot list: \(Self.lastError())")
        }
        defer { close(fd) }
        var files: [ArtifactFile] = []
        try walk(fd, prefix: "", into: &files)
        return files.sorted { $0.path < $1.path }
    }

    func downloadNow(_ relativePath: String, to destination: URL) throws {
        let parts = try Self.components(relativePath, location: location)
        let target = display(relativePath)
        let dir = try openDirectory(parts.dropLast(), create: false, for: target)
        defer { close(dir) }
        let source = openat(dir, parts.last!, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if source < 0 {
            let code = errno
            if code == ENOENT { throw TrackingError.notFound(what: "artifact \(relativePath)", detail: "no such file under \(location)") }
            if code == ELOOP { throw TrackingError.artifact(path: target, message: "is a symbolic link; refused (links under an artifact location are not followed)") }
            throw TrackingError.artifact(path: target, message: "cannot open: \(Self.lastError(code))")
        }
        defer { close(source) }
        try Self.requireRegularFile(source, path: target)

        let destinationDirectory = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: destinationDirectory, withIntermediateDirectories: true)
        } catch {
            throw TrackingError.artifact(path: destinationDirectory.path, message: "cannot create the download directory: \(error.localizedDescription)")
        }
        let destDir = open(destinationDirectory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard destDir >= 0 else {
            throw TrackingError.artifact(path: destinationDirectory.path, message: "cannot open the download directory: \(Self.lastError())")
        }
        defer { close(destDir) }
        try Self.copy(from: source, sourcePath: target, intoDirectory: destDir, name: destination.lastPathComponent,
                      displayPath: destination.path)
    }

    // MARK: Paths

    private func display(_ relativePath: String) -> String {
        location.hasSuffix("/") ? location + relativePath : location + "/" + relativePath
    }

    /// The components of a relative artifact path (`.` and empty ones dropped); refuses absolute
    /// paths, `..` and NUL.
    static func components(_ relativePath: String, location: String) throws(TrackingError) -> [String] {
        if relativePath.hasPrefix("/") {
            throw .artifact(path: relativePath, message: "an artifact path must be relative to \(location), not absolute")
        }
        if relativePath.contains("\0") {
            throw .artifact(path: relativePath, message: "an artifact path must not contain NUL")
        }
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
        if parts.contains("..") {
            throw .artifact(path: relativePath, message: "an artifact path must not contain '..' (it would leave \(location))")
        }
        if parts.isEmpty {
            throw .artifact(path: relativePath, message: "an artifact path must name a file under \(location)")
        }
        return parts
    }

    /// Opens `root/parts…` as a directory without following any link below the root; creates
    /// missing directories when `create`.
    private func openDirectory(_ parts: ArraySlice<String>, create: Bool, for target: String) throws(TrackingError) -> Int32 {
        var fd = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT, !create {
                throw .notFound(what: "artifact \(target)", detail: "the artifact location \(location) does not exist")
            }
            throw .artifact(path: location, message: "cannot open the artifact directory: \(Self.lastError(code))")
        }
        var walked = location
        for part in parts {
            walked += "/" + part
            if create, mkdirat(fd, part, 0o755) != 0, errno != EEXIST {
                let code = errno
                close(fd)
                throw .artifact(path: walked, message: "cannot create directory: \(Self.lastError(code))")
            }
            let next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let code = errno
            close(fd)
            if next < 0 {
                switch code {
                case ENOENT where !create:
                    throw .notFound(what: "artifact \(target)", detail: "no directory \(walked)")
                case ELOOP, ENOTDIR:
                    throw .artifact(path: walked, message: "is a symbolic link or not a directory; refused (links under an artifact location are not followed)")
                default:
                    throw .artifact(path: walked, message: "cannot open directory: \(Self.lastError(code))")
                }
            }
            fd = next
        }
        return fd
    }

    private func walk(_ dir: Int32, prefix: String, into files: inout [ArtifactFile]) throws(TrackingError) {
        let copyFD = dup(dir)
        guard copyFD >= 0, let stream = fdopendir(copyFD) else {
            throw .artifact(path: location + "/" + prefix, message: "cannot list: \(Self.lastError())")
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            // A temporary (`.<file>.mlpack-tmp-…`) is not an artifact: one left by a killed upload is skipped.
            if name != "." && name != ".." && !TemporaryItem.isTemporaryName(name) { names.append(name) }
        }
        for name in names {
            var st = stat()
            guard fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            let path = prefix.isEmpty ? name : prefix + "/" + name
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                files.append(ArtifactFile(path: path, isDirectory: false, size: Int64(st.st_size)))
            case S_IFDIR:
                let sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard sub >= 0 else { continue }
                defer { close(sub) }
                try walk(sub, prefix: path, into: &files)
            default:
                continue  // links, sockets, devices: not artifacts
            }
        }
    }

    // MARK: Copying

    private static func requireRegularFile(_ fd: Int32, path: String) throws(TrackingError) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .artifact(path: path, message: "cannot stat: \(lastError())") }
        if st.st_mode & S_IFMT == S_IFDIR { throw .artifact(path: path, message: "is a directory, not a file") }
        if st.st_mode & S_IFMT != S_IFREG { throw .artifact(path: path, message: "is not a regular file") }
    }

    /// Streams `source` to a temporary file in `directory`, then renames it to `name`.
    private static func copy(from source: Int32, sourcePath: String, intoDirectory directory: Int32, name: String,
                             displayPath: String) throws(TrackingError) {
        // A locked `.<name>.mlpack-tmp-<hex>` (TemporaryItem): unlinked on failure here, or by the
        // next copy into this directory if this process is killed.
        let out: Int32
        let temporary: String
        do { (out, temporary) = try TemporaryItem.createFile(inDirectory: directory, name: name) } catch {
            throw .artifact(path: displayPath, message: error.reason)
        }
        var done = false
        defer {
            if !done { unlinkat(directory, temporary, 0) }
            close(out)  // the lock is held until the file is in place (or gone)
        }
        do {
            let size = 1 << 20
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let n = read(source, buffer, size)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw TrackingError.artifact(path: sourcePath, message: "read failed: \(lastError())")
                }
                if n == 0 { break }
                var written = 0
                while written < n {
                    let w = write(out, buffer + written, n - written)
                    if w < 0 {
                        if errno == EINTR { continue }
                        throw TrackingError.artifact(path: displayPath, message: "write failed: \(lastError())")
                    }
                    written += w
                }
            }
        } catch let e as TrackingError {
            throw e
        } catch {
            throw .artifact(path: displayPath, message: "\(error)")
        }
        guard renameat(directory, temporary, directory, name) == 0 else {
            throw .artifact(path: displayPath, message: "cannot move the finished file into place: \(lastError())")
        }
        done = true
    }

    private static func lastError(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
