import Foundation
import Testing
@testable import MLPackCore

@Suite struct InputExampleTests {
    static func info(_ model: String) throws -> [String: String]? {
        guard case .object(let o)? = try SignatureFixtures.index()["models"]?[model]?["saved_input_example_info"] else { return nil }
        var out: [String: String] = [:]
        for (k, v) in o { out[k] = v.stringValue }
        return out
    }

    @Test func everyFixtureExampleParsesAndReserialisesByteForByte() throws {
        var checked = 0
        var kinds = Set<String>()
        for model in try SignatureFixtures.modelNames() {
            let dir = SignatureFixtures.models.appendingPathComponent(model)
            let exampleURL = dir.appendingPathComponent(InputExample.fileName)
            guard let info = try Self.info(model) else {
                #expect(!FileManager.default.fileExists(atPath: exampleURL.path), "\(model) has an example but no info")
                continue
            }
            let bytes = try SignatureFixtures.bytes(exampleURL)
            let example = try InputExample(inputExampleBytes: bytes, info: info)
            kinds.insert(example.typeName + (example.params == nil ? "" : "+params"))
            #expect(example.inputExampleBytes == bytes, "\(model) input_example.json")
            let serving = try SignatureFixtures.bytes(dir.appendingPathComponent(InputExample.servingFileName))
            #expect(example.servingInputBytes == serving, "\(model) serving_input_example.json")
            #expect(example.servingMismatch(try JSONParser.parse(serving)) == nil)
            #expect(example.savedInfo == info, "\(model) saved_input_example_info")
            checked += 1
        }
        #expect(checked >= 30)
        #expect(kinds.isSuperset(of: ["dataframe", "ndarray", "json_object", "sparse_matrix_csr", "sparse_matrix_csc",
                                      "dataframe+params", "ndarray+params", "json_object+params"]))
    }

    @Test func typedDataMatchesTheFixtures() throws {
        let nan = try InputExample(
            inputExampleBytes: try SignatureFixtures.bytes(SignatureFixtures.models.appendingPathComponent("d_ex_ndarray_nan/input_example.json")),
            info: ["type": "ndarray"])
        guard case .tensor(let t) = nan.data else { Issue.record("not a tensor"); return }
        #expect(t.dtype == .float64)
        #expect(t.shape == [2, 2])
        #expect(t.json(at: 1).numberValue?.isNaN == true)
        #expect(t.json(at: 2) == .double(.infinity))

        let df = try InputExample(
            inputExampleBytes: try SignatureFixtures.bytes(SignatureFixtures.models.appendingPathComponent("d_ex_dataframe/input_example.json")),
            info: ["type": "dataframe", "pandas_orient": "split"])
        guard case .dataframe(let table) = df.data else { Issue.record("not a table"); return }
        #expect(table.names == ["name", "n", "x", "flag", "when"])
        #expect(table.rowCount == 2)
        #expect(table["n"]?.dtypeName == "int64")
        #expect(table["x"]?.dtypeName == "float64")
        #expect(table["x"]?.isMissing(1) == true)
        #expect(table["flag"]?.dtypeName == "bool")

        let sparse = try InputExample(inputExampleJSON: try JSONParser.parse(#"{"data": [1.0, 2.0, 3.0], "indices": [1, 0, 2], "indptr": [0, 1, 3], "shape": [2, 3]}"#), info: ["type": "sparse_matrix_csr"])
        #expect(JSONWriter.python.string(sparse.servingInputJSON) == #"{"inputs": [[0.0, 1.0, 0.0], [2.0, 0.0, 3.0]]}"#)
    }

    @Test func unifiedLLMExamplesAreServedUnwrappedWithParamsMerged() {
        let e = InputExample(data: .json(["input": ["hello"]]), params: JSONObject([("k", .int(1))]))
        #expect(JSONWriter.python.string(e.servingInputJSON) == #"{"input": ["hello"], "k": 1}"#)
        #expect(JSONWriter.python.string(e.inputExampleJSON) == #"{"inputs": {"input": ["hello"]}, "params": {"k": 1}}"#)
    }

    @Test(arguments: [
        (#"[1, 2]"#, ["type": "dataframe"], "Dataframe split format must be a dictionary"),
        (#"{"columns": ["a"], "data": [[1, 2]]}"#, ["type": "dataframe"], "row 0 has 2 values"),
        (#"{"columns": ["a"], "dat": [[1]]}"#, ["type": "dataframe"], "unexpected field 'dat'"),
        (#"{"columns": ["a", "a"], "data": [[1, 2]]}"#, ["type": "dataframe"], "given twice"),
        (#"[[1, 2], [3]]"#, ["type": "ndarray"], "ragged"),
        (#"{"data": [1.0], "indices": [5], "indptr": [0, 1], "shape": [1, 2]}"#, ["type": "sparse_matrix_csr"], "inconsistent"),
        // Found by the fuzz smoke: a few bytes of shape once asked for 960 TB of dense rows.
        (#"{"data": [], "indices": [], "indptr": [0], "shape": [120000000000001, 0]}"#, ["type": "sparse_matrix_csc"], "too large"),
        (#"{"data": [], "indices": [], "indptr": [0], "shape": [0, 9223372036854775807]}"#, ["type": "sparse_matrix_csr"], "too large"),
        (#"{"data": [], "indices": [], "indptr": [0, 0], "shape": [1, 2000000]}"#, ["type": "sparse_matrix_csr"], "more than 2000000 values"),
        (#"{"data": [], "indices": [], "indptr": [0, 0, 0], "shape": [2, 4611686018427387904]}"#, ["type": "sparse_matrix_csr"], "too large"),
        (#"{"data": [], "indices": [], "indptr": [0], "shape": [9223372036854775807, 0]}"#, ["type": "sparse_matrix_csr"], "too large"),
        (#""x""#, ["type": "tensorflow"], "can not load example of type tensorflow"),
        (#"["a"]"#, ["type": "json_object", "params": "true"], "{\"inputs\": ..., \"params\": {...}}"),
        (#"{"inputs": ["a"], "params": [1]}"#, ["type": "json_object", "params": "true"], "'params' must be a JSON object"),
        (#"{"columns": ["a"], "data": [[1]"#, ["type": "dataframe"], "line 1, column 32"),
    ])
    func badExamplesGiveTypedErrors(text: String, info: [String: String], fragment: String) {
        do {
            let e = try InputExample(inputExampleBytes: Array(text.utf8), info: info)
            Issue.record("accepted \(text) as \(e.typeName)")
        } catch {
            #expect(error.description.contains(fragment), "\(text): \(error)")
            #expect(error.description.contains("input_example.json"))
        }
    }
}
