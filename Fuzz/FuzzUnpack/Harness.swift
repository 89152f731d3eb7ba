import Foundation
import FuzzSupport
import MLPackArchive

/// The sandbox: `archive.zip`, and the target `a/b/c/model` three levels down, so that an entry
/// escaping by up to three `..` still lands inside the sandbox, where the check below sees it.
let sandbox = FuzzHarness.scratchDirectory.appendingPathComponent("unpack", isDirectory: true)
let archive = sandbox.appendingPathComponent("archive.zip")
let parent = sandbox.appendingPathComponent("a/b/c", isDirectory: true)
let target = parent.appendingPathComponent("model", isDirectory: true)
let limits = ArchiveLimits(maxEntries: 64, maxEntryBytes: 1 << 20, maxTotalBytes: 4 << 20)

/// Arbitrary bytes as a `.mlpack` archive, unpacked with verification into a temporary directory.
/// Whatever happens, nothing is written outside the target; a refused archive leaves nothing behind
/// (not even the staging directory); an accepted one is a model directory with an `MLmodel`.
func fuzzOne(_ bytes: [UInt8]) {
    try? FileManager.default.removeItem(at: sandbox)
    try! FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    FuzzHarness.write(bytes, to: archive)
    let accepted = (try? ArchiveUnpacker.unpack(archive: archive, to: target, limits: limits)) != nil
    var outside: [String] = []
    var insideTarget = 0
    let allowed: Set<String> = ["archive.zip", "a", "a/b", "a/b/c"]
    for path in FuzzHarness.walk(sandbox.path) {
        if path == "a/b/c/model" || path.hasPrefix("a/b/c/model/") { insideTarget += 1 } else if !allowed.contains(path) { outside.append(path) }
    }
    fuzzCheck(outside.isEmpty, "unpacking wrote outside its target: \(outside)")
    if accepted {
        fuzzCheck(FileManager.default.fileExists(atPath: target.appendingPathComponent("MLmodel").path),
                     "an accepted archive unpacked without an MLmodel")
    } else {
        fuzzCheck(insideTarget == 0, "a refused archive left \(insideTarget) path(s) in the target")
    }
}
