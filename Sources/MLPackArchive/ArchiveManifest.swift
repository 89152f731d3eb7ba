import Foundation
import MLPackCore
import MLPackZip

/// `MLPACK-MANIFEST.json`: the list of every file in an archive with its size and SHA-256, the mlpack
/// version and the model's flavors. Schema: `schemas/mlpack-manifest.schema.json`.
public struct ArchiveManifest: Codable, Equatable, Sendable {
    /// The manifest's entry name at the archive root.
    public static let fileName = "MLPACK-MANIFEST.json"
    /// The value of `format`.
    public static let formatName = "mlpack-archive"
    /// The `format_version` this build writes and reads.
    public static let currentFormatVersion = 1
    /// Largest manifest read (bytes).
    public static let maxBytes: UInt64 = 16 << 20

    /// One listed file.
    public struct File: Codable, Equatable, Sendable {
        /// Relative path with `/` separators.
        public var path: String
        /// Size in bytes.
        public var size: UInt64
        /// Lower-case hex SHA-256.
        public var sha256: String

        public init(path: String, size: UInt64, sha256: String) {
            self.path = path
            self.size = size
            self.sha256 = sha256
        }
    }

    public var format: String
    public var formatVersion: Int
    public var mlpackVersion: String
    public var flavors: [String]
    public var generatedFiles: [String]
    /// Sorted by the UTF-8 bytes of `path`.
    public var files: [File]

    enum CodingKeys: String, CodingKey {
        case format
        case formatVersion = "format_version"
        case mlpackVersion = "mlpack_version"
        case flavors
        case generatedFiles = "generated_files"
        case files
    }

    /// A manifest for this build of mlpack; `files` are sorted here.
    public init(flavors: [String], generatedFiles: [String], files: [File]) {
        format = Self.formatName
        formatVersion = Self.currentFormatVersion
        mlpackVersion = MLPack.version
        self.flavors = flavors
        self.generatedFiles = generatedFiles.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.files = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The listed file at `path`.
    public func file(at path: String) -> File? {
        files.first { $0.path == path }
    }

    /// The manifest as written into archives: pretty-printed JSON, sorted keys, trailing newline.
    /// The same manifest always gives the same bytes.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    /// Parses and checks a manifest read from `archive` (for error messages).
    public static func decode(_ bytes: [UInt8], archive: String) throws -> ArchiveManifest {
        let manifest: ArchiveManifest
        do {
            manifest = try JSONDecoder().decode(ArchiveManifest.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, context) {
            throw ArchiveError.invalidManifest(
                archive: archive, keyPath: path(context.codingPath + [key]), reason: "required key is missing")
        } catch let DecodingError.typeMismatch(type, context) {
            throw ArchiveError.invalidManifest(
                archive: archive, keyPath: path(context.codingPath), reason: "expected \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw ArchiveError.invalidManifest(
                archive: archive, keyPath: path(context.codingPath), reason: "expected \(type), found null")
        } catch let DecodingError.dataCorrupted(context) {
            throw ArchiveError.invalidManifest(
                archive: archive, keyPath: path(context.codingPath), reason: "not valid JSON: \(context.debugDescription)")
        } catch {
            throw ArchiveError.invalidManifest(archive: archive, keyPath: "", reason: "\(error)")
        }
        try manifest.check(archive: archive)
        return manifest
    }

    /// Rules the schema states that Codable does not check.
    func check(archive: String) throws {
        func fail(_ keyPath: String, _ reason: String) -> ArchiveError {
            .invalidManifest(archive: archive, keyPath: keyPath, reason: reason)
        }
        if format != Self.formatName { throw fail("format", "expected \"\(Self.formatName)\", found \"\(format)\"") }
        if formatVersion != Self.currentFormatVersion {
            throw fail("format_version", "version \(formatVersion) is not supported (this mlpack reads \(Self.currentFormatVersion))")
        }
        var seen: [String: String] = [:]
        for (i, file) in files.enumerated() {
            if let reason = ZipEntryName.problem(with: file.path) ?? (file.path.hasSuffix("/") ? "a directory, not a file" : nil) {
                throw fail("files[\(i)].path", "'\(file.path)': \(reason)")
            }
            if file.path == Self.fileName { throw fail("files[\(i)].path", "the manifest cannot list itself") }
            if let other = seen.updateValue(file.path, forKey: ZipEntryName.foldedKey(file.path)) {
                throw fail("files[\(i)].path", "'\(file.path)' is listed twice (clashes with '\(other)')")
            }
            if file.sha256.utf8.count != 64 || !file.sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
                throw fail("files[\(i)].sha256", "expected 64 lower-case hex digits")
            }
        }
        for (i, generated) in generatedFiles.enumerated() where seen[ZipEntryName.foldedKey(generated)] == nil {
            throw fail("generated_files[\(i)]", "'\(generated)' is not listed in files")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce(into: "") { result, key in
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
    }
}
