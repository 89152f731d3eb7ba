import Foundation
import MLPackCore
import MLPackTestSupport
import Testing

/// Commands that encode use every CPU the process may use unless told otherwise: checked on the
/// real binary, with the affinity mask narrowed by `taskset`.
struct ThreadsDefaultTests {
    func threads(of model: URL, prefix: [String]) throws -> Int {
        let process = Process()
        let arguments = ["load", model.path, "--json"]
        if prefix.isEmpty {
            process.executableURL = CLIRunner.executable
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: prefix[0])
            process.arguments = Array(prefix.dropFirst()) + [CLIRunner.executable.path] + arguments
        }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["threads"] as? Int)
    }

    @Test func defaultIsTheCPUsTheProcessMayUse() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = temp.appendingPathComponent("st")
        let saved = try CLIRunner.run(["save", "--flavor", "sentence_transformers", "--source", TestFixtures.tinyBERT.path, "-o", model.path])
        #expect(saved.status == 0, "\(saved.stderr)")
        #expect(try threads(of: model, prefix: []) == AvailableCPUs.count)
        // One CPU in the affinity mask: one thread, without any flag.
        #expect(try threads(of: model, prefix: ["/usr/bin/taskset", "-c", "0"]) == 1)
    }
}
