import Foundation
import Testing
@testable import MLPackCLI
import MLPackCore

@Suite(.serialized) struct CheckInputCommandTests {
    static let models: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url.appendingPathComponent("fixtures/mlflow/models")
    }()

    static func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("check-input-\(UUID().uuidString).body")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Runs `mlpack check-input` in a child process (capturing this process's stdout would race
    /// with the tests running beside it).
    static func run(_ args: [String]) -> (code: Int32, out: String, err: String) {
        do {
            let r = try CLIRunner.run(["check-input"] + args)
            return (r.status, r.stdout, r.stderr)
        } catch {
            return (-1, "", "\(error)")
        }
    }

    static func printedJSON(_ out: String) throws -> JSONValue {
        let line = out.split(separator: "\n").last { $0.hasPrefix("{\"") } ?? ""
        return try JSONParser.parse(String(line), source: "stdout")
    }

    @Test func printsEnforcedTableWithTypesAndDropsExtraColumns() throws {
        let body = try Self.write(#"{"dataframe_records": [{"dt": "2024-01-02T03:04:05", "s": "a", "l": 1, "i": 2, "d": 1, "f": 0.5, "b": true, "bin": "aGVsbG8=", "zz": 9}]}"#)
        let r = Self.run(["-m", Self.models.appendingPathComponent("c_coltypes").path, "-i", body])
        #expect(r.code == 0, "\(r.err)")
        let json = try Self.printedJSON(r.out)
        #expect(json["columns"] == ["s", "l", "i", "d", "f", "b", "bin", "dt"])
        #expect(json["types"]?["d"] == "double")
        #expect(json["data"] == [["a", 1, 2, 1.0, 0.5, true, "aGVsbG8=", "2024-01-02T03:04:05"]])
        #expect(json["params"] == .object(JSONObject()))
        #expect(r.err.contains("Found extra inputs in the model input that are not defined in the model signature: `['zz']`"))
    }

    @Test func printsTensorAndParams() throws {
        let body = try Self.write(#"{"instances": [[1, 2]], "params": {"mode": "x"}}"#)
        let r = Self.run(["-m", Self.models.appendingPathComponent("p_tensor_params").path, "-i", body, "--content-type", "application/json"])
        #expect(r.code == 0, "\(r.err)")
        let json = try Self.printedJSON(r.out)
        #expect(json["dtype"] == "float32")
        #expect(json["shape"] == [1, 2])
        #expect(json["data"] == [[1.0, 2.0]])
        #expect(json["params"] == ["mode": "x", "k": 3])
    }

    @Test func csvAndNoSignature() throws {
        let csv = try Self.write("text\na\nb\n")
        let r = Self.run(["-m", Self.models.appendingPathComponent("c_single_string").path, "-i", csv, "--content-type", "csv"])
        #expect(r.code == 0, "\(r.err)")
        #expect(try Self.printedJSON(r.out)["data"] == [["a"], ["b"]])
        let body = try Self.write(#"{"inputs": [[1, 2], [3, 4]]}"#)
        let n = Self.run(["-m", Self.models.appendingPathComponent("c_nosig").path, "-i", body])
        #expect(n.code == 0, "\(n.err)")
        #expect(try Self.printedJSON(n.out)["shape"] == [2, 2])
    }

    @Test func rejectedInputExitsOneWithTheError() throws {
        let body = try Self.write(#"{"dataframe_records": [{"text": "hi"}], "params": {"l": "5"}}"#)
        let r = Self.run(["-m", Self.models.appendingPathComponent("p_params").path, "-i", body])
        #expect(r.code == 1)
        #expect(r.err.hasPrefix("error: INVALID_PARAMETER_VALUE: Invalid parameters found: {('l', "))
        #expect(r.out.isEmpty)
        let missing = Self.run(["-m", Self.models.appendingPathComponent("p_params").path, "-i", "/nonexistent/body.json"])
        #expect(missing.code == 1)
        let usage = Self.run(["-m", Self.models.appendingPathComponent("p_params").path, "-i", body, "--content-type", "text/plain"])
        #expect(usage.code == 2)
    }
}
