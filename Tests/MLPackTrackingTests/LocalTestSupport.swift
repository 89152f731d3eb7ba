import Foundation
import MLPackTestSupport
import Testing

@testable import MLPackTracking

/// A fresh local store in a temporary directory (`<dir>/mlflow.db`, files under `<dir>/mlruns`).
struct LocalStoreFixture {
    let directory: URL
    let store: LocalTrackingStore

    var databasePath: String { directory.appendingPathComponent("mlflow.db").path }
    var artifactRoot: String { directory.appendingPathComponent("mlruns").path }

    init(busyTimeout: TimeInterval = 10) throws {
        // Resolve symlinks in the temporary directory (/tmp → /private/tmp on macOS) so paths compare equal.
        directory = try TestFixtures.temporaryDirectory().resolvingSymlinksInPath()
        store = try LocalTrackingStore(
            databasePath: directory.appendingPathComponent("mlflow.db").path,
            artifactRoot: directory.appendingPathComponent("mlruns").path, busyTimeout: busyTimeout)
    }

    func reopen(busyTimeout: TimeInterval = 10) throws -> LocalTrackingStore {
        try LocalTrackingStore(databasePath: databasePath, artifactRoot: artifactRoot, busyTimeout: busyTimeout)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The single value of a query (text), for checking what MLflow's tables hold.
    func value(_ sql: String) throws -> String? {
        let rows = try store.rowsForTesting(sql)
        guard let row = rows.first, let v = row.values.first else { return nil }
        return v
    }
}

/// Runs the Python of the venv holding MLflow 3.17.2 (`$MLPACK_MLFLOW_PYTHON`, default
/// `~/.cache/mlpack/venvs/mlflow-3.17.2/bin/python`). Missing → the test fails: the interop tests
/// are the proof that MLflow reads what mlpack writes, so they never skip.
enum LocalMLflowPython {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "the Python of MLflow 3.17.2 is not at \(path): create the venv (python3 -m venv ~/.cache/mlpack/venvs/mlflow-3.17.2 && …/bin/pip install mlflow==3.17.2) or set MLPACK_MLFLOW_PYTHON"
        }
    }

    struct Failed: Error, CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "python exited with \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
    }

    static var path: String {
        ProcessInfo.processInfo.environment["MLPACK_MLFLOW_PYTHON"]
            ?? NSHomeDirectory() + "/.cache/mlpack/venvs/mlflow-3.17.2/bin/python"
    }

    /// Runs `script` with `arguments` in `directory`; returns the JSON object its last stdout line prints.
    static func run(_ script: String, arguments: [String], in directory: URL) throws -> [String: Any] {
        let python = path
        guard FileManager.default.isExecutableFile(atPath: python) else { throw Missing(path: python) }
        let scriptURL = directory.appendingPathComponent("check-\(UUID().uuidString.prefix(8)).py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scriptURL) }
        let outURL = directory.appendingPathComponent("py-stdout.txt"), errURL = directory.appendingPathComponent("py-stderr.txt")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptURL.path] + arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "MLFLOW_TRACKING_URI")
        env.removeValue(forKey: "MLFLOW_REGISTRY_URI")
        env["MLFLOW_DISABLE_TELEMETRY"] = "true"
        env["DO_NOT_TRACK"] = "1"
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["GIT_PYTHON_REFRESH"] = "quiet"
        process.environment = env
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else { throw Failed(status: process.terminationStatus, stdout: stdout, stderr: stderr) }
        guard let last = stdout.split(separator: "\n").last,
              let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        else { throw Failed(status: 0, stdout: stdout, stderr: "no JSON object on the last line of stdout\n" + stderr) }
        return object
    }
}

/// Helpers of the local-store tests (a namespace, so names cannot collide with other suites').
enum LocalTestKit {
    /// Runs `body`, expecting a ``TrackingError``; returns it (records an issue otherwise).
    static func error<T>(_ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> TrackingError? {
        do {
            let value = try await body()
            Issue.record("expected a TrackingError, got \(value)", sourceLocation: sourceLocation)
            return nil
        } catch let error as TrackingError {
            return error
        } catch {
            Issue.record("expected a TrackingError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The case name of an error (`notFound`, `invalidArgument`, …).
    static func caseName(_ error: TrackingError?) -> String {
        guard let error else { return "(none)" }
        return Mirror(reflecting: error).children.first?.label ?? "\(error)"
    }
}
