import Foundation
import MLPackTestSupport
import Testing

/// save → load → predict (JSON, CSV, streaming JSON Lines) → pack → validate → predict from the
/// archive, through the real `mlpack` binary on the tiny BERT (fast).
struct ModelWorkflowCommandTests {
    @Test func saveLoadPredictPackValidateFromArchive() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = temp.appendingPathComponent("sim").path
        let save = try CLIRunner.run(["save", "--flavor", "similarity", "--source", TestFixtures.tinyBERT.path, "-o", model,
                                      "--input-example", TestFixtures.tutorial.appendingPathComponent("input_example.json").path, "--json"])
        #expect(save.status == 0, "\(save.stderr)")
        #expect(save.stdout.contains("\"flavor\": \"similarity\""))

        let load = try CLIRunner.run(["load", model, "--json"])
        #expect(load.status == 0, "\(load.stderr)")
        #expect(load.stdout.contains("\"loaded_by\": \"similarity\""))

        let pairs = TestFixtures.tutorial.appendingPathComponent("pairs.json").path
        let predict = try CLIRunner.run(["predict", "-m", model, "-i", pairs])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout.hasPrefix("{\"predictions\": [["))

        let csv = temp.appendingPathComponent("pairs.csv")
        try "sentence_1,sentence_2\nI like apples,I like oranges\n\"a, quoted\nnewline\",x\n".write(to: csv, atomically: true, encoding: .utf8)
        let fromCSV = try CLIRunner.run(["predict", "-m", model, "-i", csv.path])
        #expect(fromCSV.status == 0, "\(fromCSV.stderr)")

        // Streaming: one output line per input line, an error line for a bad one, exit 1.
        let jsonl = try String(contentsOf: TestFixtures.tutorial.appendingPathComponent("pairs.jsonl"), encoding: .utf8)
        let stream = try CLIRunner.run(["predict", "-m", model, "--content-type", "jsonl"], stdin: jsonl + "{\"sentence_1\": 5}\n")
        let lines = stream.stdout.split(separator: "\n")
        #expect(lines.count == 4, "\(stream.stdout)")
        #expect(lines.last?.contains("\"line\": 4") == true)
        #expect(stream.status == 1)

        let archive = temp.appendingPathComponent("sim.zip").path
        let pack = try CLIRunner.run(["pack", model, "-o", archive])
        #expect(pack.status == 0, "\(pack.stderr)")
        let validate = try CLIRunner.run(["validate", archive])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        #expect(validate.stdout.contains("passes the signature's enforcement"))

        let fromArchive = try CLIRunner.run(["predict", "-m", archive, "-i", pairs], environment: ["MLPACK_CACHE_DIR": temp.appendingPathComponent("cache").path])
        #expect(fromArchive.status == 0, "\(fromArchive.stderr)")
        #expect(fromArchive.stdout == predict.stdout)

        let unpacked = temp.appendingPathComponent("copy").path
        #expect(try CLIRunner.run(["unpack", archive, "-o", unpacked]).status == 0)
        #expect(try CLIRunner.run(["unpack", archive, "-o", unpacked]).status == 1, "refuses to overwrite without --force")
    }

    @Test func badInputAndUsageExitCodes() throws {
        let missing = try CLIRunner.run(["predict", "-m", "/no/such/model", "-i", "-"], stdin: "{}")
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: /no/such/model"), "\(missing.stderr)")
        let unknown = try CLIRunner.run(["save", "--flavor", "nope", "--source", "x", "-o", "/tmp/x"])
        #expect(unknown.status == 2)
        let flavors = try CLIRunner.run(["flavors", "--json"])
        #expect(flavors.status == 0)
        #expect(flavors.stdout.contains("\"name\": \"similarity\"") && flavors.stdout.contains("\"name\": \"sentence_transformers\""))
    }
}
