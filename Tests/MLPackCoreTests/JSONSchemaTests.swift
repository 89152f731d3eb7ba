import Foundation
import Testing
@testable import MLPackCore

@Suite struct JSONSchemaTests {
    static func validator(_ name: String) throws -> JSONSchemaValidator {
        let url = SignatureFixtures.repoRoot.appendingPathComponent("schemas/\(name).schema.json")
        return try JSONSchemaValidator(schema: try JSONParser.parse(try SignatureFixtures.bytes(url), source: url.lastPathComponent))
    }

    static func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    @Test func everyFixtureMLmodelMatchesTheSchema() throws {
        let v = try Self.validator("mlmodel")
        let dir = SignatureFixtures.fixtures.appendingPathComponent("mlmodel-json")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        #expect(files.count == (try SignatureFixtures.modelNames().count))
        for f in files {
            let doc = try JSONParser.parse(try SignatureFixtures.bytes(dir.appendingPathComponent(f)), source: f)
            #expect(v.validate(doc).isEmpty, "\(f): \(v.validate(doc))")
        }
    }

    @Test func everyFixtureSignatureEntryMatches() throws {
        let v = try Self.validator("signature")
        var entries = 0
        for (source, part, text, _) in try SignatureTests.fixtureStrings() {
            let list = try JSONParser.parse(text)
            #expect(v.validate(list, at: part == "params" ? "#/$defs/paramList" : "#/$defs/schemaList").isEmpty, "\(source) \(part)")
            for entry in list.arrayValue ?? [] {
                let def = part == "params" ? "paramSpec" : entry["type"] == "tensor" ? "tensorSpec" : "colSpec"
                #expect(v.validate(entry, at: "#/$defs/\(def)").isEmpty, "\(source) \(part) \(entry)")
                entries += 1
            }
            var block = JSONObject()
            block[part] = .string(text)
            #expect(v.validate(.object(block)).isEmpty, "\(source) \(part) as a signature block")
        }
        #expect(entries > 300)
    }

    @Test func everyFixtureExampleAndServingBodyMatches() throws {
        let examples = try Self.validator("input-example")
        let requests = try Self.validator("scoring-request")
        var checked = 0
        for model in try SignatureFixtures.modelNames() {
            guard let info = try InputExampleTests.info(model) else { continue }
            let dir = SignatureFixtures.models.appendingPathComponent(model)
            var doc = try JSONParser.parse(try SignatureFixtures.bytes(dir.appendingPathComponent(InputExample.fileName)))
            if info["params"] != nil {
                #expect(examples.validate(doc, at: "#/$defs/withParams").isEmpty, "\(model)")
                doc = doc["inputs"] ?? .null
            }
            let def: String
            switch info["type"] {
            case "dataframe": def = info["pandas_orient"] == "values" ? "dataframeValues" : "dataframeSplit"
            case "ndarray": def = "ndarray"
            case "json_object": def = "jsonObject"
            default: def = "sparseMatrix"
            }
            #expect(examples.validate(doc, at: "#/$defs/\(def)").isEmpty, "\(model): \(examples.validate(doc, at: "#/$defs/\(def)"))")
            let serving = try JSONParser.parse(try SignatureFixtures.bytes(dir.appendingPathComponent(InputExample.servingFileName)))
            #expect(requests.validate(serving).isEmpty, "\(model) serving: \(requests.validate(serving))")
            checked += 1
        }
        #expect(checked >= 30)
    }

    @Test func requestSchemaAgreesWithTheParserOnFixtureBodies() throws {
        let requests = try Self.validator("scoring-request")
        var agreed = 0
        for c in try SignatureFixtures.jsonLines(SignatureFixtures.mlflow.appendingPathComponent("enforcement.jsonl")) {
            guard c["content_type"] == "application/json", case .string(let body)? = c["body"],
                  let value = try? JSONParser.parse(body) else { continue }
            let parsed = (try? RequestParser().request(from: value)) != nil
            let valid = requests.validate(value).isEmpty
            #expect(parsed == valid, "\(c["id"]?.stringValue ?? "?"): parser \(parsed), schema \(valid)")
            agreed += 1
        }
        #expect(agreed > 100)
    }

    @Test(arguments: [
        ("signature", "#/$defs/colSpec", #"{"type": "string", "name": "a", "required": true, "foo": 1}"#, "unknown key 'foo'"),
        ("signature", "#/$defs/colSpec", #"{"type": "strng", "name": "a", "required": true}"#, "is not one of"),
        ("signature", "#/$defs/colSpec", #"{"type": "array", "name": "a", "required": true}"#, "missing required key 'items'"),
        ("signature", "#/$defs/tensorSpec", #"{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-2]}}"#, "less than -1"),
        ("signature", "#/$defs/tensorSpec", #"{"type": "tensor", "tensor-spec": {"dtype": "<U10", "shape": [-1]}}"#, "is not one of"),
        ("signature", "#/$defs/paramSpec", #"{"name": "b", "default": "x", "shape": null, "type": "binary"}"#, "is not one of"),
        ("signature", "#/$defs/schemaList", #"[]"#, "at least 1 items"),
        ("signature", "#", #"{"inputs": "[{\"type\": \"long\", \"nme\": \"a\"}]"}"#, "unknown key 'nme'"),
        ("signature", "#", #"{"inputs": "not json"}"#, "not valid JSON"),
        ("mlmodel", "#", #"{"mlflow_version": "3.17.2"}"#, "missing required key 'flavors'"),
        ("mlmodel", "#", #"{"flavors": {"python_function": {"env": "conda.yaml"}}}"#, "missing required key 'loader_module'"),
        ("mlmodel", "#", #"{"flavors": {"x": {}}, "saved_input_example_info": {"artifact_path": "e.json", "type": "tensor"}}"#, "is not one of"),
        ("mlmodel", "#", #"{"flavors": {"x": {}}, "model_size_bytes": -1}"#, "less than 0"),
        ("input-example", "#/$defs/dataframeSplit", #"{"columns": ["a"], "data": [[1]], "index": [0]}"#, "unknown key 'index'"),
        ("input-example", "#/$defs/sparseMatrix", #"{"data": [1.0], "indices": [0], "indptr": [0, 1]}"#, "missing required key 'shape'"),
        ("input-example", "#/$defs/withParams", #"{"inputs": [1]}"#, "missing required key 'params'"),
        ("scoring-request", "#", #"{"inputs": [1], "instances": [1]}"#, "more than one"),
        ("scoring-request", "#", #"{"params": {}}"#, "missing required key"),
        ("scoring-request", "#", #"[1]"#, "expected object"),
        ("scoring-request", "#", #"{"dataframe_split": {"data": [[1]], "colums": ["a"]}}"#, "unknown key 'colums'"),
    ])
    func brokenDocumentsFail(schema: String, pointer: String, text: String, fragment: String) throws {
        let failures = try Self.validator(schema).validate(try Self.json(text), at: pointer)
        #expect(!failures.isEmpty, "\(text) passed \(schema)\(pointer)")
        #expect(failures.contains { $0.description.contains(fragment) }, "\(failures)")
    }

    @Test func unsupportedKeywordsAreRefused() {
        #expect(throws: JSONSchemaValidator.SchemaError.self) { try JSONSchemaValidator(schema: ["pattern": "^a"]) }
        #expect(throws: JSONSchemaValidator.SchemaError.self) { try JSONSchemaValidator(schema: ["$ref": "#/$defs/missing"]) }
        #expect(throws: JSONSchemaValidator.SchemaError.self) { try JSONSchemaValidator(schema: ["$ref": "other.json"]) }
    }
}
