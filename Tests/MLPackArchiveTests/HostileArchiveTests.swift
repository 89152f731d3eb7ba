import Foundation
import MLPackArchive
import MLPackCore
import MLPackZip
import Testing

/// One archive of fixtures/hostile/ and what refusing it must look like (fixtures/hostile/expected.json).
struct HostileCase: CustomTestStringConvertible, Sendable {
    let file: String
    let refused: Bool
    let entry: String?
    let kind: String?

    var testDescription: String { file }

    static let all: [HostileCase] = {
        let url = TestPaths.hostile.appendingPathComponent("expected.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { return [] }
        return object.keys.sorted().map { name in
            let value = object[name] ?? [:]
            return HostileCase(
                file: name, refused: value["refused"] as? Bool ?? true, entry: value["entry"] as? String,
                kind: value["kind"] as? String)
        }
    }()
}

/// The name of the error case (the zip-level case for `.zip`), for comparison with expected.json's `kind`.
func kind(of error: ArchiveError) -> String {
    func caseName(_ value: Any) -> String {
        Mirror(reflecting: value).children.first?.label ?? "\(value)"
    }
    if case .zip(let zip) = error { return caseName(zip) }
    return caseName(error)
}

@Suite struct HostileArchiveTests {
    @Test func corpusIsPresentAndSmall() throws {
        #expect(HostileCase.all.count >= 17, "fixtures/hostile/expected.json lists the corpus; run fixtures/hostile/generate.py")
        for item in HostileCase.all {
            let size = try FileManager.default.attributesOfItem(atPath: TestPaths.hostile.appendingPathComponent(item.file).path)[.size] as? Int ?? 0
            #expect(size > 0 && size < 2 << 20, "\(item.file) is \(size) bytes")
        }
    }

    @Test(arguments: HostileCase.all)
    func unpackRefusesAndWritesNothingOutside(_ item: HostileCase) throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        // The target sits in its own parent, next to a bystander file; /tmp is watched for the
        // absolute zip-slip's payload.
        let parent = scratch.path("parent")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        try Data("bystander".utf8).write(to: parent.appendingPathComponent("bystander.txt"))
        // The target's own parent does not exist yet: unpack creates it, and must remove it on failure.
        let target = parent.appendingPathComponent("new/model")
        let before = snapshot(scratch.url)
        let tmpEvil = "/tmp/mlpack-evil.txt"
        try? FileManager.default.removeItem(atPath: tmpEvil)

        let archive = TestPaths.hostile.appendingPathComponent(item.file)
        if !item.refused {
            let report = try ArchiveUnpacker.unpack(archive: archive, to: target)
            #expect(report.manifest.files.count == files(under: target).count)
            #expect(ArchiveVerifier.problems(archive: archive).isEmpty)
            #expect(ArchiveVerifier.verify(archive: archive).map(\.severity) == [.info])
            return
        }
        var caught: ArchiveError?
        do {
            try ArchiveUnpacker.unpack(archive: archive, to: target)
        } catch let error as ArchiveError {
            caught = error
        }
        let error = try #require(caught, "\(item.file) was not refused")
        #expect(kind(of: error) == item.kind, "\(item.file): \(error)")
        if let entry = item.entry {
            #expect(error.entry == entry, "\(item.file): \(error)")
            #expect(error.description.contains("'\(entry)'") || error.description.contains(entry), "\(item.file): \(error)")
        } else {
            #expect(error.description.contains(item.file), "\(item.file): \(error)")
        }
        // Nothing written anywhere: the scratch tree is unchanged, no target, no temporary directory.
        #expect(snapshot(scratch.url) == before, "\(item.file) left files behind")
        #expect(!FileManager.default.fileExists(atPath: target.path))
        #expect(!FileManager.default.fileExists(atPath: tmpEvil))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("mlpack-evil.txt").path))

        // verify() reports the same refusal, as an error finding located at the entry.
        let problems = ArchiveVerifier.problems(archive: archive)
        #expect(problems.first.map(kind(of:)) == item.kind, "\(item.file): \(problems)")
        let findings = ArchiveVerifier.verify(archive: archive)
        #expect(!findings.isValid)
        #expect(findings.contains { $0.severity == .error && $0.location == (item.entry ?? archive.path) }, "\(item.file): \(findings)")
    }

    @Test func refusedArchiveKeepsExistingTargetUntouched() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let target = scratch.path("model")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: target.appendingPathComponent("MLmodel"))
        let before = snapshot(scratch.url)
        #expect(throws: ArchiveError.self) {
            try ArchiveUnpacker.unpack(archive: TestPaths.hostile.appendingPathComponent("manifest-hash-mismatch.zip"), to: target, force: true)
        }
        #expect(snapshot(scratch.url) == before)
    }

    @Test func ratioCapAppliesAboveTheFloorOnly() throws {
        // valid.zip's deflated entries are small: exempt under the default 1 MiB floor, refused when
        // the floor is 0 and the cap 1, naming the first deflated entry.
        let archive = TestPaths.hostile.appendingPathComponent("valid.zip").path
        #expect(try ZipReader(archivePath: archive).entries.count == 8)
        do {
            _ = try ZipReader(archivePath: archive, limits: ZipReadLimits(maxCompressionRatio: 1, ratioFloorBytes: 0))
            Issue.record("ratio cap not applied")
        } catch let ZipError.compressionRatioExceeded(_, entry, _, limit) {
            #expect(entry == "MLPACK-MANIFEST.json")
            #expect(limit == 1)
        }
    }
}
