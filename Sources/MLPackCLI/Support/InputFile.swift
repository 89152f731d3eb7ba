import Foundation
import MLPackCore

/// Reading the files commands take (`-` is stdin), with a size cap and errors naming the file.
enum InputFile {
    /// Largest input file a command reads into memory.
    static let maxBytes = 256 << 20

    static func name(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard data.count <= maxBytes else { throw CommandFailure("<stdin>: more than \(maxBytes) bytes") }
            return [UInt8](data)
        }
        let url = URL(fileURLWithPath: path)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else {
            throw CommandFailure("\(path): no such file")
        }
        if let size = attributes[.size] as? Int, size > maxBytes {
            throw CommandFailure("\(path): \(size) bytes, more than the \(maxBytes)-byte limit")
        }
        do { return [UInt8](try Data(contentsOf: url)) } catch {
            throw CommandFailure("\(path): cannot read: \(error.localizedDescription)")
        }
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
