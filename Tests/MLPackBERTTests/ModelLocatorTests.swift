import Foundation
import Testing
@testable import MLPackBERT

@Suite struct ModelLocatorTests {
    /// Builds `<hub>/models--org--name/{refs/main, snapshots/<hash>/modules.json}`.
    func makeHub(_ hub: URL, org: String, name: String, hash: String) throws -> URL {
        let repo = hub.appendingPathComponent("models--\(org)--\(name)")
        let snap = repo.appendingPathComponent("snapshots/\(hash)")
        try FileManager.default.createDirectory(at: snap, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("refs"), withIntermediateDirectories: true)
        try "[]".write(to: snap.appendingPathComponent("modules.json"), atomically: true, encoding: .utf8)
        try hash.write(to: repo.appendingPathComponent("refs/main"), atomically: true, encoding: .utf8)
        return snap
    }

    @Test func resolvesFromHFHome() throws {
        let home = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let snap = try makeHub(home.appendingPathComponent("hub"), org: "sentence-transformers",
                               name: "all-MiniLM-L6-v2", hash: "c9745ed1d9f207416be6d2e6f8de32d1f16199bf")
        let env = ["HF_HOME": home.path, "HOME": "/nonexistent"]
        #expect(try ModelLocator.resolve("sentence-transformers/all-MiniLM-L6-v2", environment: env).path == snap.path)
        // A bare name means sentence-transformers/<name>.
        #expect(try ModelLocator.resolve("all-MiniLM-L6-v2", environment: env).path == snap.path)
        // A revision given as the snapshot hash.
        #expect(try ModelLocator.resolve(
            "sentence-transformers/all-MiniLM-L6-v2", revision: "c9745ed1d9f207416be6d2e6f8de32d1f16199bf",
            environment: env).path == snap.path)
    }

    @Test func hubCacheVariableWinsOverHFHome() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let snap = try makeHub(root.appendingPathComponent("cache"), org: "org", name: "m", hash: "abc")
        let env = ["HF_HUB_CACHE": root.appendingPathComponent("cache").path, "HF_HOME": "/nonexistent", "HOME": "/nonexistent"]
        #expect(try ModelLocator.resolve("org/m", environment: env).path == snap.path)
        // The default without variables: $HOME/.cache/huggingface/hub.
        let home = root.appendingPathComponent("home")
        let snap2 = try makeHub(home.appendingPathComponent(".cache/huggingface/hub"), org: "org", name: "m", hash: "def")
        #expect(try ModelLocator.resolve("org/m", environment: ["HOME": home.path]).path == snap2.path)
    }

    @Test func unsafeOrUnknownNamesAreErrors() throws {
        let env = ["HOME": "/nonexistent"]
        for bad in ["../etc", "org/../x", "a/b/c", "", "org/na me"] {
            #expect(throws: BERTError.self) { _ = try ModelLocator.resolve(bad, environment: env) }
        }
        #expect { _ = try ModelLocator.resolve("org/absent", environment: env) } throws: { error in
            guard case BERTError.modelNotFound(_, let searched) = error else { return false }
            return searched.contains { $0.hasSuffix("models--org--absent") }
        }
    }
}
