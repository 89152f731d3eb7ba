import Foundation

/// Paths and readers for the repository's fixtures (found from this file's path).
enum Fixtures {
    static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        // Tests/MLPackServerTests/Support/Fixtures.swift → repo root
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    static func url(_ relative: String) -> URL {
        repoRoot.appendingPathComponent(relative)
    }

    /// Each line of a JSON Lines file, parsed as an object.
    static func jsonLines(_ relative: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: url(relative), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FixtureError(message: "\(relative): a line is not a JSON object")
            }
            return object
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
