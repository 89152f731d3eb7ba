import Foundation
import MLPackTestSupport
import XCTest
@testable import MLPackTracking

/// Resolving `models:/` URIs against a server and downloading once into the cache: complete copies
/// only, concurrent downloads safe, damaged entries replaced, non-READY models refused.
final class ModelResolverTests: XCTestCase {
    static let modelID = "m-00112233445566778899aabbccddeeff"
    static let files: [String: String] = ["MLmodel": "flavors: {}\n", "artifacts/weights.bin": String(repeating: "w", count: 5000), "conda.yaml": "name: x\n"]

    /// A server holding one logged model with `files` (status as given).
    func server(status: String = "LOGGED_MODEL_READY", files: [String: String] = ModelResolverTests.files, sizeLie: Bool = false) throws -> StubHTTPServer {
        let root = "1/models/\(Self.modelID)/artifacts"
        return try StubHTTPServer { request in
            if request.path == "/api/2.0/mlflow/logged-models/\(Self.modelID)" {
                return .json(["model": ["info": ["model_id": Self.modelID, "experiment_id": "1", "name": "sim", "status": status,
                                                 "artifact_uri": "mlflow-artifacts:/\(root)", "creation_timestamp_ms": 1]]])
            }
            if request.path == "/api/2.0/mlflow-artifacts/artifacts" {
                let path = String(request.uri.split(separator: "=", maxSplits: 1).last ?? "").removingPercentEncoding ?? ""
                let prefix = path == root ? "" : String(path.dropFirst(root.count + 1)) + "/"
                var entries: [[String: Any]] = []
                var directories = Set<String>()
                for (name, content) in files where name.hasPrefix(prefix) {
                    let rest = name.dropFirst(prefix.count)
                    if let slash = rest.firstIndex(of: "/") {
                        directories.insert(String(rest[..<slash]))
                    } else {
                        entries.append(["path": String(rest), "is_dir": false, "file_size": content.utf8.count + (sizeLie ? 1 : 0)])
                    }
                }
                for d in directories.sorted() { entries.append(["path": d, "is_dir": true]) }
                return .json(["files": entries])
            }
            let filePrefix = "/api/2.0/mlflow-artifacts/artifacts/\(root)/"
            if request.path.hasPrefix(filePrefix), let content = files[String(request.path.dropFirst(filePrefix.count))] {
                return StubHTTPServer.Response(status: 200, body: content)
            }
            return .json(["error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no \(request.path)"], status: 404)
        }
    }

    func resolver(_ server: StubHTTPServer, cache: URL) throws -> ModelResolver {
        let configuration = try RESTConfiguration.fromEnvironment(["MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"])
        return ModelResolver(store: try RESTTrackingStore(uri: server.url, configuration: configuration), cacheRoot: cache)
    }

    /// The error text of resolving the model on `server` into `cache` (a failure if it resolves).
    func resolutionError(_ server: StubHTTPServer, cache: URL) async throws -> String {
        let resolver = try resolver(server, cache: cache)
        var text = ""
        do {
            _ = try await resolver.localDirectory(for: .loggedModel(id: Self.modelID))
            XCTFail("expected an error")
        } catch {
            text = "\(error)"
        }
        await resolver.store.close()
        return text
    }

    func contents(of directory: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        for path in try ArtifactPaths.files(under: directory) {
            result[path] = try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
        }
        return result
    }

    func testDownloadsOnceAndReuses() async throws {
        let server = try server()
        defer { server.stop() }
        let cache = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let resolver = try resolver(server, cache: cache)
        let first = try await resolver.localDirectory(for: .loggedModel(id: Self.modelID))
        XCTAssertEqual(try contents(of: first), Self.files)
        let downloads = server.requests.filter { $0.path.contains("/artifacts/1/") }.count
        XCTAssertEqual(downloads, 3)
        let second = try await resolver.localDirectory(for: .loggedModel(id: Self.modelID))
        XCTAssertEqual(first, second)
        XCTAssertEqual(server.requests.filter { $0.path.contains("/artifacts/1/") }.count, 3, "the second use downloads nothing")
        await resolver.store.close()
    }

    func testConcurrentDownloadsEndWithOneCompleteCopy() async throws {
        let server = try server()
        defer { server.stop() }
        let cache = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let directories = try await withThrowingTaskGroup(of: URL.self) { group in
            for _ in 0..<4 {
                let resolver = try resolver(server, cache: cache)
                group.addTask {
                    let directory = try await resolver.localDirectory(for: .loggedModel(id: Self.modelID))
                    await resolver.store.close()
                    return directory
                }
            }
            return try await group.reduce(into: [URL]()) { $0.append($1) }
        }
        XCTAssertEqual(Set(directories).count, 1)
        XCTAssertEqual(try contents(of: directories[0]), Self.files)
        // No partial or stale directories are left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("tracking").path).sorted()
        XCTAssertEqual(left, [directories[0].lastPathComponent, directories[0].lastPathComponent + ".sha256"], "only the copy and its digests")
    }

    func testDamagedCacheEntryIsDownloadedAgain() async throws {
        let server = try server()
        defer { server.stop() }
        let cache = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let resolver = try resolver(server, cache: cache)
        let directory = try await resolver.localDirectory(for: .loggedModel(id: Self.modelID))
        try "x".write(to: directory.appendingPathComponent("artifacts/weights.bin"), atomically: true, encoding: .utf8)
        let again = try await resolver.localDirectory(for: .loggedModel(id: Self.modelID))
        XCTAssertEqual(try contents(of: again), Self.files)
        await resolver.store.close()
    }

    func testACopyChangedOnDiskIsDownloadedAgainEvenAtTheSameSize() async throws {
        let server = try server()
        defer { server.stop() }
        let cache = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let resolver = try resolver(server, cache: cache)
        let directory = try await resolver.localDirectory(for: .loggedModel(id: Self.modelID))
        let tampered = String(repeating: "x", count: Self.files["artifacts/weights.bin"]!.utf8.count)
        try tampered.write(to: directory.appendingPathComponent("artifacts/weights.bin"), atomically: true, encoding: .utf8)
        let again = try await resolver.localDirectory(for: .loggedModel(id: Self.modelID))
        XCTAssertEqual(try contents(of: again), Self.files)
        XCTAssertEqual(server.requests.filter { $0.path.contains("/artifacts/1/") }.count, 6, "downloaded twice")
        await resolver.store.close()
    }

    func testSizesThatDisagreeWithTheListingAreRefused() async throws {
        let server = try server(sizeLie: true)
        defer { server.stop() }
        let cache = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let error = try await resolutionError(server, cache: cache)
        XCTAssertTrue(error.contains("differ"), error)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("tracking").path)) ?? []
        XCTAssertEqual(left, [], "nothing half-downloaded is left in the cache")
    }

    func testPendingAndFailedModelsAreRefused() async throws {
        for status in ["LOGGED_MODEL_PENDING", "LOGGED_MODEL_UPLOAD_FAILED"] {
            let server = try server(status: status)
            defer { server.stop() }
            let cache = try TestFixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: cache) }
            let error = try await resolutionError(server, cache: cache)
            XCTAssertTrue(error.contains("models:/\(Self.modelID)"), error)
            XCTAssertTrue(error.contains(status == "LOGGED_MODEL_PENDING" ? "PENDING" : "FAILED"), "\(status): \(error)")
        }
    }

    func testNotAModelIsRefused() async throws {
        let server = try server(files: ["notes.txt": "hello"])
        defer { server.stop() }
        let cache = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: cache) }
        let error = try await resolutionError(server, cache: cache)
        XCTAssertTrue(error.contains("no MLmodel"), error)
    }
}
