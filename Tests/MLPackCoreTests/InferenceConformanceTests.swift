import Foundation
import Testing
@testable import MLPackCore

/// Conformance of SignatureInference with `mlflow.models.infer_signature` over
/// fixtures/mlflow/signatures.jsonl, for every case whose samples can be written as JSON/CSV.
@Suite struct InferenceConformanceTests {
    /// Case ids where mlpack deliberately or knowingly differs from MLflow (none at present).
    static let expectedMismatches: Set<String> = []

    /// Decodes a `describe()` encoding into the sample a user could write as JSON; `nil` when the
    /// Python value has no JSON/CSV form (numpy scalars and arrays as inputs, bytes, datetimes, sets,
    /// Series, sparse matrices, DataFrames with dtypes JSON cannot produce).
    static func sample(_ d: JSONValue, output: Bool = false) throws -> SampleValue? {
        guard let t = d["t"]?.stringValue else { return nil }
        switch t {
        case "pandas.DataFrame":
            let jsonDtypes: Set<String> = ["int64", "float64", "bool", "str", "object", "string"]
            guard case .object(let dtypes)? = d["dtypes"], dtypes.values.allSatisfy({ jsonDtypes.contains($0.stringValue ?? "") }),
                  case .array(let columns)? = d["columns"], case .object(let data)? = d["data"] else { return nil }
            guard !columns.isEmpty else { return nil }
            let rows = d["shape"]?.arrayValue?.first?.intValue.map(Int.init) ?? 0
            // Without rows, JSON cannot carry a column's numeric or boolean dtype.
            if rows == 0 && !dtypes.values.allSatisfy({ ["object", "str", "string"].contains($0.stringValue ?? "") }) { return nil }
            var cells: [[JSONValue]] = Array(repeating: [], count: rows)
            for c in columns {
                guard case .array(let col)? = data[c.description == "" ? "" : (c.stringValue ?? c.description)] else { return nil }
                for (r, cell) in col.enumerated() {
                    guard let v = try cellJSON(cell) else { return nil }
                    cells[r].append(v)
                }
            }
            var split = JSONObject()
            if !columns.enumerated().allSatisfy({ $0.element == .int(Int64($0.offset)) }) { split["columns"] = .array(columns) }
            split["data"] = .array(cells.map { .array($0) })
            // Through the request parser, as `mlpack infer-signature` reads a dataframe_split file.
            return try SampleValue(inputJSON: ["dataframe_split": .object(split)])
        case "numpy.ndarray" where output:
            guard let dtype = d["dtype"]?.stringValue, dtype == "float64" || dtype == "int64", let v = d["v"],
                  Tensor.isRectangularNumeric(v) else { return nil }
            return try SampleValue(outputJSON: v)
        default:
            guard let json = try cellJSON(d) else { return nil }
            return SampleValue(json: json)
        }
    }

    /// A described Python value as JSON, if it is JSON-native (builtins and numpy 64-bit scalars in DataFrame cells).
    static func cellJSON(_ d: JSONValue) throws -> JSONValue? {
        guard let t = d["t"]?.stringValue else { return nil }
        let v = d["v"] ?? .null
        switch t {
        case "int", "numpy.int64": return v
        case "float", "numpy.float64":
            if case .string(let s) = v { return .double(s == "NaN" ? .nan : s == "Infinity" ? .infinity : -.infinity) }
            if case .int(let i) = v { return .double(Double(i)) }
            return v
        case "str", "numpy.str_", "bool", "numpy.bool": return v
        case "NoneType": return .null
        case "list":
            guard case .array(let items) = v else { return nil }
            var out: [JSONValue] = []
            for i in items {
                guard let j = try cellJSON(i) else { return nil }
                out.append(j)
            }
            return .array(out)
        case "dict":
            guard d["key_types"] == nil, case .object(let o) = v else { return nil }
            var out = JSONObject()
            for (k, i) in o {
                guard let j = try cellJSON(i) else { return nil }
                out[k] = j
            }
            return .object(out)
        default: return nil
        }
    }

    @Test func agreementWithMLflowInferSignature() throws {
        let cases = try SignatureFixtures.jsonLines(SignatureFixtures.mlflow.appendingPathComponent("signatures.jsonl"))
        var applicable = 0, agree = 0
        var mismatches: [String] = []
        var notApplicable: [String] = []
        for c in cases {
            let id = c["id"]?.stringValue ?? "?"
            func given(_ key: String) -> JSONValue? { c[key].flatMap { $0.isNull ? nil : $0 } }
            // `infer_signature(None, ...)` infers no input schema.
            let input = given("sample").flatMap { $0["t"] == "NoneType" ? Optional<JSONValue>.none : $0 }
            let output = given("output_sample")
            let inputSample: SampleValue? = try input.flatMap { try Self.sample($0) }
            let outputSample: SampleValue? = try output.flatMap { try Self.sample($0, output: true) }
            var params: [SampleValue.DictEntry]? = nil
            var paramsOK = true
            if let p = given("params_sample"), case .object(let entries)? = p["v"], p["key_types"] == nil {
                params = []
                for (k, v) in entries {
                    guard let j = try Self.cellJSON(v) else { paramsOK = false; break }
                    params?.append(.init(k, SampleValue(json: j)))
                }
            } else if given("params_sample") != nil {
                paramsOK = false
            }
            // Applicable only if every given part has a JSON form.
            if (input != nil && inputSample == nil) || (output != nil && outputSample == nil) || !paramsOK {
                notApplicable.append(id)
                continue
            }
            applicable += 1
            let expectedError = c["error"].map { !$0.isNull } ?? false
            var got: (String?, String?, String?)? = nil
            var gotError = false
            do {
                let r = try SignatureInference.infer(input: inputSample, output: outputSample, params: params)
                got = r.signature.jsonStrings
            } catch {
                gotError = true
            }
            let same: Bool
            if expectedError {
                same = gotError
            } else if let got {
                same = got.0 == c["schema_inputs"]?.stringValue && got.1 == c["schema_outputs"]?.stringValue
                    && got.2 == c["params"]?.stringValue
            } else {
                same = false
            }
            if same { agree += 1 } else { mismatches.append(id) }
            if !same && !Self.expectedMismatches.contains(id) {
                Issue.record("\(id): mlpack \(got.map { "\($0.0 ?? "null") | \($0.1 ?? "null") | \($0.2 ?? "null")" } ?? "error") vs MLflow \(c["schema_inputs"]?.stringValue ?? "null") | \(c["schema_outputs"]?.stringValue ?? "null") | \(c["params"]?.stringValue ?? "null")")
            }
        }
        let figure = Double(agree) / Double(max(applicable, 1))
        print("signatures.jsonl: \(agree)/\(applicable) applicable cases identical (\(String(format: "%.1f", figure * 100))%); \(notApplicable.count) not expressible as JSON/CSV: \(notApplicable.joined(separator: ", "))")
        #expect(Set(mismatches) == Self.expectedMismatches)
        #expect(applicable >= 40)
        #expect(figure >= 0.95)
    }

    @Test func tutorialSignature() throws {
        let example = try JSONParser.parse(
            #"{"dataframe_split": {"columns": ["sentence_1", "sentence_2"], "data": [["I like apples", "I like oranges"]]}}"#)
        let r = try SignatureInference.infer(input: try SampleValue(inputJSON: example), output: try SampleValue(outputJSON: [[0.6341]]))
        #expect(r.signature.jsonStrings.inputs
            == #"[{"type": "string", "name": "sentence_1", "required": true}, {"type": "string", "name": "sentence_2", "required": true}]"#)
        #expect(r.signature.jsonStrings.outputs == #"[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 1]}}]"#)
        #expect(r.signature.outputs?.pythonRepr == "[Tensor('float64', (-1, 1))]")
        #expect(r.warnings.isEmpty && r.logs.isEmpty)
        let csv = try RequestParser().parse(Array("sentence_1,sentence_2\nI like apples,I like oranges\n".utf8), contentType: .csv)
        #expect(try SignatureInference.infer(input: SampleValue(inputRequest: csv)).signature.inputs == r.signature.inputs)
        let records = try SampleValue(inputJSON: try JSONParser.parse(#"{"dataframe_records": [{"sentence_1": "a", "sentence_2": "b"}]}"#))
        #expect(try SignatureInference.infer(input: records).signature.inputs == r.signature.inputs)
    }

    @Test func fallbacksWarningsAndParams() throws {
        let mixed = try SignatureInference.infer(input: SampleValue(json: [1, 2.5]))
        #expect(mixed.signature.jsonStrings.inputs == #"[{"type": "any", "required": true}]"#)
        #expect(mixed.logs.first?.hasPrefix("Failed to infer schema for inputs.") == true)
        let ints = try SignatureInference.infer(input: SampleValue(json: ["a": 1]))
        #expect(ints.warnings.first?.hasPrefix("Hint: Inferred schema contains integer column(s).") == true)
        let params = try SignatureInference.inferParams([.init("k", .int(3)), .init("ids", SampleValue(json: [1.5, 2])), .init("o", SampleValue(json: ["a": "x"]))])
        #expect(params.jsonString == #"[{"name": "k", "default": 3, "shape": null, "type": "long"}, {"name": "ids", "default": [1.5, 2.0], "shape": [-1], "type": "double"}, {"name": "o", "default": {"a": "x"}, "shape": null, "type": "object", "properties": {"a": {"type": "string", "required": true}}}]"#)
        #expect(throws: InferenceError.self) { try SignatureInference.inferParams([.init("n", .none)]) }
        #expect(throws: InferenceError.self) { try SignatureInference.inferParams([.init("n", SampleValue(json: [[1]]))]) }
        #expect(throws: InferenceError.self) { try SignatureInference.inferParams([.init("n", SampleValue(json: [1, "a"]))]) }
    }
}
