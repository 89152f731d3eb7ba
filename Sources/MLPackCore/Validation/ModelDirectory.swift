import Foundation

/// Safe access to files inside a model directory: paths named by a model file are resolved
/// relative to the root and refused when absolute, when they contain `..`, or when any component
/// is a symbolic link (so nothing outside the directory is ever read through a model file).
public struct ModelDirectory: Sendable {
    public let root: URL

    public init(_ root: URL) {
        self.root = root.standardizedFileURL
    }

    /// Why a relative path named by a model file is refused, or nil when it is acceptable.
    public static func unsafeReason(_ relative: String) -> String? {
        if relative.isEmpty { return "empty path" }
        if relative.hasPrefix("/") { return "absolute path" }
        if relative.contains("\0") { return "NUL byte in path" }
        let parts = relative.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains("..") { return "'..' component" }
        return nil
    }

    /// The URL of `relative` inside the root, refusing unsafe paths and symlinks on the way.
    public func resolve(_ relative: String) throws(ModelDirectoryError) -> URL {
        if let reason = Self.unsafeReason(relative) {
            throw .unsafePath(relative, reason: reason)
        }
        var url = root
        for part in relative.split(separator: "/") where part != "." {
            url.appendPathComponent(String(part))
            if Self.isSymlink(url) { throw .symlink(relative) }
        }
        return url
    }

    /// Kind of the entry at `relative` (nil when absent or unsafe).
    public func kind(of relative: String) -> EntryKind? {
        guard let url = try? resolve(relative) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue ? .directory : .file
    }

    public enum EntryKind: Sendable { case file, directory }

    static func isSymlink(_ url: URL) -> Bool {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFLNK
    }
}

public enum ModelDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsafePath(String, reason: String)
    case symlink(String)

    public var description: String {
        switch self {
        case .unsafePath(let p, let reason): return "\(p.prefix(200)): refused: \(reason)"
        case .symlink(let p): return "\(p.prefix(200)): refused: symbolic link"
        }
    }
}
