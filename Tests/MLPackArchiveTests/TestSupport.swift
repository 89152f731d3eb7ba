import Foundation
import MLPackArchive

/// Paths and helpers shared by the archive tests.
enum TestPaths {
    /// The repository root, found from this file's path.
    static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static let fixtureModels = repoRoot.appendingPathComponent("fixtures/mlflow/models")
    static let hostile = repoRoot.appendingPathComponent("fixtures/hostile")

    /// Every fixture model directory (those with an MLmodel), sorted by name.
    static func fixtureModelDirectories() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtureModels.path)) ?? []
        return names.sorted().map { fixtureModels.appendingPathComponent($0) }.filter {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("MLmodel").path)
        }
    }
}

/// A fresh scratch directory, removed by `cleanup()`.
struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("mlpack-archive-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> URL { url.appendingPathComponent(name) }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Every file and directory under `root` (relative paths) with file contents, for before/after comparisons.
func snapshot(_ root: URL) -> [String: Data?] {
    var result: [String: Data?] = [:]
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { return result }
    while let relative = walker.nextObject() as? String {
        let path = root.appendingPathComponent(relative).path
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        result[relative] = isDirectory.boolValue ? nil : (FileManager.default.contents(atPath: path) ?? Data())
    }
    return result
}

/// Regular files under `root` (relative path to contents).
func files(under root: URL) -> [String: Data] {
    snapshot(root).compactMapValues { $0 }
}

/// Copies a directory tree.
func copyTree(_ source: URL, to destination: URL) throws {
    try FileManager.default.copyItem(at: source, to: destination)
}

