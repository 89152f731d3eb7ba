import Foundation
import Testing

/// Flavor knowledge lives in the flavor plugins: core, the embedding glue, the packager, the server and the
/// command line (except its one registration list) name no flavor, block key, loader module or
/// requirement string. They ask the registry, which asks the flavors.
struct FlavorKnowledgeTests {
    static let forbidden = [
        "similarity", "sentence_transformers", "embedding_model", "sentence-transformers", "transformers", "torch",
        "mlflow.sentence_transformers", "mlflow.pyfunc.model", "mlflow.pyfunc.loaders.code_model",
    ].map { "\"\($0)\"" }

    /// The folders checked, relative to the repository root, with files left out.
    static let checked: [(folder: String, except: Set<String>)] = [
        ("Sources/MLPackCore", []),
        ("Sources/MLPackEmbedding", []),
        ("Sources/MLPackArchive", []),
        ("Sources/MLPackServer", []),
        // The registration list is the one place the command line names flavors.
        ("Sources/MLPackCLI", ["BuiltInFlavors.swift"]),
    ]

    static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return url
    }()

    /// `file:line: literal` for every forbidden literal outside comment lines in `text`.
    static func violations(in text: String, file: String) -> [String] {
        var found: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("//") { continue }
            for literal in forbidden where line.contains(literal) {
                found.append("\(file):\(number + 1): \(literal)")
            }
        }
        return found
    }

    @Test func noFlavorNamesOutsidePlugins() throws {
        var files = 0
        var found: [String] = []
        for (folder, except) in Self.checked {
            let root = Self.repoRoot.appendingPathComponent(folder)
            let walker = try #require(FileManager.default.enumerator(atPath: root.path), "\(folder) not found")
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                if except.contains((relative as NSString).lastPathComponent) { continue }
                let text = try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
                files += 1
                found += Self.violations(in: text, file: "\(folder)/\(relative)")
            }
        }
        #expect(files >= 60, "only \(files) Swift files found under \(Self.checked.map(\.folder))")
        #expect(found.isEmpty, "flavor knowledge outside Plugins/ (move it behind a Flavor hook):\n\(found.joined(separator: "\n"))")
    }

    @Test func theCheckFindsLiteralsAndSkipsComments() {
        let text = """
            let a = 1
            /// The `"similarity"` flavor (a comment).
            if name == "sentence_transformers" { return ["torch"] }
            """
        #expect(Self.violations(in: text, file: "X.swift") == ["X.swift:3: \"sentence_transformers\"", "X.swift:3: \"torch\""])
    }
}
