import Foundation
import MLPackCore
import MLPackTestSupport
import Testing

/// `mlpack predict --params` takes the same typed road as a body's `params`: CSV columns typed by
/// the signature, params enforced against the params schema and merged over the body's, for JSON,
/// CSV and streaming JSON Lines.
@Suite struct PredictParamsTests {
    /// A tiny-BERT sentence_transformers model whose signature takes one string column `text` and
    /// the params `max_seq_length` and `batch_size` (long).
    static func model(in temp: URL) throws -> String {
        let directory = temp.appendingPathComponent("st")
        let save = try CLIRunner.run(["save", "--flavor", "sentence_transformers", "--source", TestFixtures.tinyBERT.path, "-o", directory.path])
        try #require(save.status == 0, "\(save.stderr)")
        let file = directory.appendingPathComponent(MLModel.fileName)
        var mlmodel = try MLModel.load(from: file)
        mlmodel.setSignature(MLModelSignatureStrings(
            inputs: #"[{"type": "string", "name": "text", "required": true}]"#,
            outputs: nil,
            params: #"[{"name": "max_seq_length", "default": 128, "shape": null, "type": "long"}, {"name": "batch_size", "default": 32, "shape": null, "type": "long"}]"#))
        try mlmodel.write(to: file)
        return directory.path
    }

    /// The embeddings a predict printed, one per row.
    static func vectors(_ stdout: String) throws -> [[Double]] {
        let value = try JSONParser.parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        let rows = try #require(value["predictions"]?.arrayValue ?? value.arrayValue)
        return try rows.map { row in try #require(row.arrayValue).map { $0.numberValue ?? .nan } }
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    static let sentence = "The explorer stood at the edge of the dense rainforest, contemplating the journey ahead."

    @Test func paramsOnTheCommandLineAreEnforcedLikeBodyParams() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.model(in: temp)
        func body(_ params: String) throws -> String {
            let url = temp.appendingPathComponent("body-\(UUID().uuidString).json")
            try #"{"inputs": ["\#(Self.sentence)"], "params": \#(params)}"#.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let full = try CLIRunner.run(["predict", "-m", model, "-i", try body(#"{"max_seq_length": 128}"#)])
        #expect(full.status == 0, "\(full.stderr)")
        let truncatedInBody = try CLIRunner.run(["predict", "-m", model, "-i", try body(#"{"max_seq_length": 3}"#)])
        #expect(truncatedInBody.status == 0, "\(truncatedInBody.stderr)")
        // --params is merged over the body's params: the sentence is cut to 3 tokens.
        let truncated = try CLIRunner.run(
            ["predict", "-m", model, "-i", try body(#"{"max_seq_length": 128}"#), "--params", #"{"max_seq_length": 3}"#])
        #expect(truncated.status == 0, "\(truncated.stderr)")
        #expect(truncated.stdout == truncatedInBody.stdout)
        let a = try Self.vectors(full.stdout), b = try Self.vectors(truncated.stdout)
        #expect(a.count == 1 && b.count == 1)
        #expect(Self.distance(a[0], b[0]) > 1e-3, "truncation changes the embedding")

        // A wrong type on the command line is refused as MLflow refuses it in a body.
        let wrong = try CLIRunner.run(["predict", "-m", model, "-i", try body("{}"), "--params", #"{"batch_size": "many"}"#])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.hasPrefix("error: INVALID_PARAMETER_VALUE: Invalid parameters found: {('batch_size', "), "\(wrong.stderr)")
        let inBody = try CLIRunner.run(["predict", "-m", model, "-i", try body(#"{"batch_size": "many"}"#)])
        #expect(inBody.stderr == wrong.stderr, "same error, whether the params came in the body or on the command line")

        // Not a JSON object: a usage error.
        let usage = try CLIRunner.run(["predict", "-m", model, "-i", try body("{}"), "--params", "[1]"])
        #expect(usage.status == 2)
    }

    /// CSV with --params: the column the signature types as string stays a string even when its
    /// text looks like a number (it used to be guessed as an integer on this path and refused).
    @Test func csvWithParamsIsTypedBySignature() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.model(in: temp)
        let csv = temp.appendingPathComponent("body.csv")
        try "text\n123\n4.5\nTrue\n".write(to: csv, atomically: true, encoding: .utf8)
        let withParams = try CLIRunner.run(["predict", "-m", model, "-i", csv.path, "--params", #"{"max_seq_length": 64}"#])
        #expect(withParams.status == 0, "\(withParams.stderr)")
        let without = try CLIRunner.run(["predict", "-m", model, "-i", csv.path])
        #expect(without.status == 0, "\(without.stderr)")
        #expect(try Self.vectors(withParams.stdout).count == 3)
        #expect(withParams.stdout == without.stdout, "short texts: the cap changes nothing")
        let wrong = try CLIRunner.run(["predict", "-m", model, "-i", csv.path, "--params", #"{"max_seq_length": "yes please"}"#])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("INVALID_PARAMETER_VALUE"), "\(wrong.stderr)")
    }

    /// JSON Lines with --params: merged over each line's params; a bad value is each line's error.
    @Test func jsonLinesWithParams() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.model(in: temp)
        let lines = "{\"text\": \"\(Self.sentence)\"}\n{\"text\": \"123\"}\n"
        let full = try CLIRunner.run(["predict", "-m", model, "--content-type", "jsonl"], stdin: lines)
        #expect(full.status == 0, "\(full.stderr)")
        let truncated = try CLIRunner.run(
            ["predict", "-m", model, "--content-type", "jsonl", "--params", #"{"max_seq_length": 3}"#], stdin: lines)
        #expect(truncated.status == 0, "\(truncated.stderr)")
        let a = full.stdout.split(separator: "\n"), b = truncated.stdout.split(separator: "\n")
        #expect(a.count == 2 && b.count == 2)
        let first = try [a[0], b[0]].map { try #require(try JSONParser.parse(String($0)).arrayValue).map { $0.numberValue ?? .nan } }
        #expect(Self.distance(first[0], first[1]) > 1e-3, "--params reached every line")
        let wrong = try CLIRunner.run(["predict", "-m", model, "--content-type", "jsonl", "--params", #"{"batch_size": -1.5}"#], stdin: lines)
        #expect(wrong.status == 1)
        let errors = wrong.stdout.split(separator: "\n")
        #expect(errors.count == 2)
        for (i, line) in errors.enumerated() {
            let object = try JSONParser.parse(String(line))
            #expect(object["line"]?.intValue == Int64(i + 1))
            #expect(object["error_code"]?.stringValue == "INVALID_PARAMETER_VALUE", "\(line)")
        }
    }
}
