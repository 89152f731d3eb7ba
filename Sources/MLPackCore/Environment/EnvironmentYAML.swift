import Foundation
import MLPackYAML

/// Shared reading helpers for the YAML environment files.
enum EnvironmentYAML {
    static let maxFileBytes = 1 << 20

    /// `dir/fileName` when `url` is a directory, else `url` itself.
    static func fileURL(_ url: URL, _ fileName: String) -> URL {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
            ? url.appendingPathComponent(fileName) : url
    }

    /// Reads a regular (non-symlink) file of at most `maxFileBytes`.
    static func readFile(_ url: URL) throws(EnvironmentError) -> [UInt8] {
        let fm = FileManager.default
        guard let attrs = try? fm.attributesOfItem(atPath: url.path) else {
            throw .unreadable(path: url.path, reason: "no such file")
        }
        guard attrs[.type] as? FileAttributeType == .typeRegular else {
            throw .unreadable(path: url.path, reason: "expected a regular file (symbolic links are refused)")
        }
        if let size = attrs[.size] as? Int, size > maxFileBytes {
            throw .unreadable(path: url.path, reason: "file is \(size) bytes, more than the limit of \(maxFileBytes)")
        }
        guard let data = fm.contents(atPath: url.path) else {
            throw .unreadable(path: url.path, reason: "permission denied or I/O error")
        }
        return [UInt8](data)
    }

    /// Parses a document that must be a mapping with string keys.
    static func mapping(_ bytes: [UInt8], file: String) throws(EnvironmentError) -> [(key: String, keyNode: YAMLNode, value: YAMLNode)] {
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(bytes: bytes, file: file, limits: YAMLReadLimits(maxBytes: maxFileBytes))
        } catch {
            throw .yaml(error)
        }
        guard let root else { throw .notAMapping(path: file, line: 1, column: 1, found: "an empty document") }
        guard let pairs = root.mappingPairs else {
            throw .notAMapping(path: file, line: root.mark.line, column: root.mark.column, found: root.value.kindDescription)
        }
        var out: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        for (k, v) in pairs {
            guard let key = k.value.stringValue else {
                throw .wrongType(path: file, keyPath: "\(k.value)", line: k.mark.line, column: k.mark.column, expected: "a string key", found: k.value.kindDescription)
            }
            out.append((key, k, v))
        }
        return out
    }

    static func wrongType(_ node: YAMLNode, _ keyPath: String, _ expected: String, file: String) -> EnvironmentError {
        .wrongType(path: file, keyPath: keyPath, line: node.mark.line, column: node.mark.column, expected: expected, found: node.value.kindDescription)
    }

    /// A string value.
    static func string(_ node: YAMLNode, _ keyPath: String, file: String) throws(EnvironmentError) -> String {
        guard let s = node.value.stringValue else { throw wrongType(node, keyPath, "a string", file: file) }
        return s
    }

    /// A list of strings (null reads as nil).
    static func strings(_ node: YAMLNode, _ keyPath: String, file: String) throws(EnvironmentError) -> [String]? {
        if node.value.isNull { return nil }
        guard let items = node.sequenceItems else { throw wrongType(node, keyPath, "a list of strings", file: file) }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard let s = item.value.stringValue else { throw wrongType(item, "\(keyPath)[\(i)]", "a string", file: file) }
            out.append(s)
        }
        return out
    }
}
