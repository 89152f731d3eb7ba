import Foundation
import MLPackCore
import MLPackTestSupport
import Testing

/// Temporaries beside their target: a sweep removes the abandoned ones (lock free) and leaves
/// the ones being written (lock held); commit is one rename; listings recognise the names.
struct TemporaryItemTests {
    @Test func sweepRemovesAbandonedTemporariesAndKeepsLiveOnes() throws {
        let dir = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("out.json")
        let live = try TemporaryItem.file(for: target)
        // Abandoned: same naming, nobody holds a lock (as after SIGKILL): a file and a directory.
        let prefix = TemporaryItem.prefix(for: "out.json")
        let deadFile = dir.appendingPathComponent(prefix + "0badf00d")
        let deadDirectory = dir.appendingPathComponent(prefix + "deadbeef")
        try Data("partial".utf8).write(to: deadFile)
        try FileManager.default.createDirectory(at: deadDirectory.appendingPathComponent("inner"), withIntermediateDirectories: true)
        // Not ours: another name, or our marker for another target.
        let other = dir.appendingPathComponent(".other.json.mlpack-tmp-12345678")
        try Data().write(to: other)

        let removed = TemporaryItem.sweep(dir, name: "out.json")
        #expect(Set(removed) == [deadFile.lastPathComponent, deadDirectory.lastPathComponent])
        #expect(FileManager.default.fileExists(atPath: live.url.path), "a temporary whose writer is alive is kept")
        #expect(FileManager.default.fileExists(atPath: other.path))

        try live.write(Data("done\n".utf8))
        try live.commit(to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "done\n")
        #expect(!FileManager.default.fileExists(atPath: live.url.path))
    }

    @Test func atomicWriteReplacesAndLeavesNothingBeside() throws {
        let dir = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("MLmodel")
        try AtomicFile.write("old\n", to: target)
        try Data().write(to: dir.appendingPathComponent(TemporaryItem.prefix(for: "MLmodel") + "0000abcd"))
        try AtomicFile.write("new\n", to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["MLmodel"], "the abandoned temporary was swept")
    }

    @Test func discardedDirectoryIsRemoved() throws {
        let dir = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let staging = try TemporaryItem.directory(for: dir.appendingPathComponent("model"))
        try Data("x".utf8).write(to: staging.url.appendingPathComponent("file"))
        staging.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func temporaryNames() {
        #expect(TemporaryItem.isTemporaryName(".MLmodel.mlpack-tmp-0a1b2c3d"))
        #expect(TemporaryItem.isTemporaryName(TemporaryItem.prefix(for: "model.safetensors") + "ffffffff"))
        #expect(!TemporaryItem.isTemporaryName("MLmodel.mlpack-tmp-0a1b2c3d"), "not hidden")
        #expect(!TemporaryItem.isTemporaryName(".MLmodel.mlpack-tmp-0a1b2c3"), "7 digits")
        #expect(!TemporaryItem.isTemporaryName(".MLmodel.mlpack-tmp-0a1b2c3g"), "not hex")
        #expect(!TemporaryItem.isTemporaryName(".hidden"))
        // A long name is cut (on a UTF-8 boundary) so the temporary's name stays under NAME_MAX.
        let long = String(repeating: "é", count: 120)
        #expect(TemporaryItem.prefix(for: long).utf8.count <= 1 + 100 + TemporaryItem.marker.utf8.count)
    }
}
