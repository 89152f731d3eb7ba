import Foundation

/// Writes files so that readers never see a partial file: the bytes go to a locked temporary file
/// in the same directory (``TemporaryItem``: `.<name>.mlpack-tmp-<hex>`, flushed to disk), which is
/// then renamed over the destination. Temporaries left by a killed writer are removed by the next
/// write to the same destination.
public enum AtomicFile {
    /// Why an atomic write failed.
    public struct WriteError: Error, CustomStringConvertible, Sendable, Equatable {
        /// The destination path.
        public var path: String
        /// What failed.
        public var reason: String
        public var description: String { "\(path): cannot write: \(reason)" }
    }

    /// Writes `data` to `url` atomically (temporary file + rename). Refuses to replace a symlink.
    public static func write(_ data: Data, to url: URL) throws(WriteError) {
        let dir = url.deletingLastPathComponent()
        let fm = FileManager.default
        if let attrs = try? fm.attributesOfItem(atPath: url.path), attrs[.type] as? FileAttributeType == .typeSymbolicLink {
            throw WriteError(path: url.path, reason: "destination is a symbolic link")
        }
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw WriteError(path: url.path, reason: "directory \(dir.path) does not exist")
        }
        do {
            let temp = try TemporaryItem.file(for: url)
            try temp.write(data)
            try temp.commit(to: url)
        } catch {
            throw WriteError(path: url.path, reason: error.reason)
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to url: URL) throws(WriteError) {
        try write(Data(text.utf8), to: url)
    }
}
