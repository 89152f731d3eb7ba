#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MLPackCore

/// Reading the files commands take (`-` is stdin), with a size cap and errors naming the file.
enum InputFile {
    /// Largest input file a command reads into memory: 64 MiB, the request parser's body cap
    /// (``RequestParser/maxBodyBytes``). A file is refused by its size before it is read; stdin is
    /// read up to one byte past the cap.
    static let maxBytes = 64 << 20

    static func name(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    /// The bytes of `path` (`-`: stdin), at most `maxBytes`; `limitName` (an option) is named when
    /// the input is over it.
    static func read(_ path: String, maxBytes: Int = InputFile.maxBytes, limitName: String? = nil) throws -> [UInt8] {
        let limit = "the \(maxBytes)-byte limit" + (limitName.map { " (\($0))" } ?? "")
        let fd: Int32
        var size = 0
        if path == "-" {
            fd = 0
        } else {
            var info = stat()
            guard stat(path, &info) == 0 else { throw CommandFailure("\(path): no such file") }
            guard info.st_mode & S_IFMT == S_IFREG else { throw CommandFailure("\(path): not a regular file") }
            if Int(info.st_size) > maxBytes {
                throw CommandFailure("\(path): \(info.st_size) bytes, more than \(limit); nothing was read")
            }
            size = Int(info.st_size)
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CommandFailure("\(path): cannot read: \(String(cString: strerror(errno)))") }
        }
        defer { if fd != 0 { close(fd) } }
        // Read straight into the array (no second copy), never more than the cap plus one byte.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while bytes.count <= maxBytes {
            let want = min(chunk.count, maxBytes + 1 - bytes.count)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CommandFailure("\(name(path)): cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        guard bytes.count <= maxBytes else { throw CommandFailure("\(name(path)): more than \(limit); read no further") }
        return bytes
    }

    /// The body format: the explicit `--content-type` (short name or MIME type), else the file
    /// extension (`.csv`, `.jsonl`/`.ndjson`), else JSON.
    static func contentType(explicit: String?, path: String?) throws -> RequestContentType {
        if let explicit {
            do { return try RequestContentType(mimeType: explicit) } catch {
                throw CommandFailure(scoring: error)
            }
        }
        switch (path.map { URL(fileURLWithPath: $0).pathExtension.lowercased() }) ?? "" {
        case "csv": return .csv
        case "jsonl", "ndjson": return .jsonLines
        default: return .json
        }
    }
}
