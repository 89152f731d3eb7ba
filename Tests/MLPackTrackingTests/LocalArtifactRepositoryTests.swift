import Foundation
import MLPackTestSupport
import Testing

@testable import MLPackTracking

@Suite struct LocalArtifactRepositoryTests {
    private func scratch() throws -> URL { try TestFixtures.temporaryDirectory().resolvingSymlinksInPath() }

    private func file(_ dir: URL, _ name: String, _ text: String) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func uploadListDownloadRoundTrip() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = LocalArtifactRepository(root: dir.appendingPathComponent("root/models/m-1/artifacts"))
        #expect(try await repo.listFiles().isEmpty)  // not there yet: nothing to list
        let a = try file(dir, "a.txt", "hello")
        try await repo.upload(file: a, to: "MLmodel")
        try await repo.upload(file: a, to: "./nested//deeper/b.bin")
        try await repo.upload(file: try file(dir, "c.txt", "replaced!"), to: "MLmodel")  // overwrite
        let files = try await repo.listFiles()
        #expect(files == [
            ArtifactFile(path: "MLmodel", isDirectory: false, size: 9),
            ArtifactFile(path: "nested/deeper/b.bin", isDirectory: false, size: 5),
        ])
        let out = dir.appendingPathComponent("download/here/MLmodel")
        try await repo.download("MLmodel", to: out)
        #expect(try String(contentsOf: out, encoding: .utf8) == "replaced!")
        // No temporary file is left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: repo.root.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        let missing = await LocalTestKit.error { try await repo.download("nope", to: dir.appendingPathComponent("x")) }
        #expect(LocalTestKit.caseName(missing) == "notFound")
        let directory = await LocalTestKit.error { try await repo.download("nested", to: dir.appendingPathComponent("x")) }
        #expect(LocalTestKit.caseName(directory) == "artifact")
    }

    @Test func largeFileIsStreamed() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = dir.appendingPathComponent("big.bin")
        var bytes = [UInt8](repeating: 0, count: 3 * (1 << 20) + 17)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try Data(bytes).write(to: big)
        let repo = LocalArtifactRepository(root: dir.appendingPathComponent("r"))
        try await repo.upload(file: big, to: "w/model.safetensors")
        let back = dir.appendingPathComponent("back.bin")
        try await repo.download("w/model.safetensors", to: back)
        #expect(try Data(contentsOf: back) == Data(bytes))
    }

    @Test func unsafePathsAreRefused() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = LocalArtifactRepository(root: dir.appendingPathComponent("root"))
        let a = try file(dir, "a.txt", "x")
        for bad in ["../escape.txt", "sub/../../escape.txt", "/etc/passwd", "", ".", "a/.."] {
            let e = await LocalTestKit.error { try await repo.upload(file: a, to: bad) }
            #expect(LocalTestKit.caseName(e) == "artifact", "\(bad)")
            let d = await LocalTestKit.error { try await repo.download(bad, to: dir.appendingPathComponent("out")) }
            #expect(LocalTestKit.caseName(d) == "artifact", "\(bad)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("escape.txt").path))
    }

    @Test func symlinksBelowTheRootAreNeverFollowed() async throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outside = dir.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let secret = try file(outside, "secret.txt", "secret")
        let root = dir.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("link"), withDestinationURL: outside)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("file-link"), withDestinationURL: secret)
        let repo = LocalArtifactRepository(root: root)
        let a = try file(dir, "a.txt", "planted")

        let up = await LocalTestKit.error { try await repo.upload(file: a, to: "link/planted.txt") }
        #expect(LocalTestKit.caseName(up) == "artifact")
        #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("planted.txt").path))
        let down = await LocalTestKit.error { try await repo.download("link/secret.txt", to: dir.appendingPathComponent("o1")) }
        #expect(LocalTestKit.caseName(down) == "artifact")
        let downFile = await LocalTestKit.error { try await repo.download("file-link", to: dir.appendingPathComponent("o2")) }
        #expect(LocalTestKit.caseName(downFile) == "artifact")
        #expect(try await repo.listFiles().isEmpty)  // links are not artifacts

        // Uploading onto a link's name replaces the link, never writes through it.
        try await repo.upload(file: a, to: "file-link")
        #expect(try String(contentsOf: secret, encoding: .utf8) == "secret")
        #expect(try await repo.listFiles().map(\.path) == ["file-link"])
    }

    @Test func storeAcceptsPathsAndFileURIs() throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        #expect(try f.store.artifacts(at: "/tmp/x/artifacts").location == "/tmp/x/artifacts")
        #expect(try f.store.artifacts(at: "file:///tmp/x%20y/artifacts").location == "/tmp/x y/artifacts")
        #expect(try f.store.artifacts(at: "file:/tmp/x/artifacts").location == "/tmp/x/artifacts")
        for bad in ["relative/path", "s3://bucket/x", "mlflow-artifacts:/1/models", "file://remote-host/x"] {
            #expect(throws: TrackingError.self, "\(bad)") { _ = try f.store.artifacts(at: bad) }
        }
    }
}
