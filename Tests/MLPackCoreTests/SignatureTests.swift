import Foundation
import Testing
@testable import MLPackCore

@Suite struct SignatureTests {
    /// Every (part, string, repr?) signature string found in the fixtures.
    static func fixtureStrings() throws -> [(source: String, part: String, text: String, repr: String?)] {
        var out: [(String, String, String, String?)] = []
        if case .object(let models)? = try SignatureFixtures.index()["models"] {
            for (name, model) in models {
                for part in ["inputs", "outputs", "params"] {
                    if case .string(let s)? = model["signature"]?[part] { out.append(("index.json:\(name)", part, s, nil)) }
                }
            }
        }
        for line in try SignatureFixtures.jsonLines(SignatureFixtures.mlflow.appendingPathComponent("signatures.jsonl")) {
            let id = line["id"]?.stringValue ?? "?"
            for (key, part, reprKey) in [("schema_inputs", "inputs", "schema_inputs_repr"),
                                         ("schema_outputs", "outputs", "schema_outputs_repr"),
                                         ("params", "params", "params_repr")] {
                if case .string(let s)? = line[key] { out.append(("signatures.jsonl:\(id)", part, s, line[reprKey]?.stringValue)) }
            }
        }
        for line in try SignatureFixtures.jsonLines(SignatureFixtures.mlflow.appendingPathComponent("enforcement.jsonl")) {
            let id = line["id"]?.stringValue ?? "?"
            for part in ["inputs", "params"] {
                if case .string(let s)? = line["signature"]?[part] { out.append(("enforcement.jsonl:\(id)", part, s, nil)) }
            }
        }
        return out
    }

    /// The `signature:` block of every fixture MLmodel, read with a small text extraction
    /// (the YAML reader lives elsewhere): single-quoted, possibly folded scalars.
    static func mlmodelSignatureStrings() throws -> [(model: String, part: String, text: String)] {
        var out: [(String, String, String)] = []
        for model in try SignatureFixtures.modelNames() {
            let url = SignatureFixtures.models.appendingPathComponent(model).appendingPathComponent("MLmodel")
            let lines = try SignatureFixtures.text(url).components(separatedBy: "\n")
            guard let start = lines.firstIndex(of: "signature:") else { continue }
            var i = start + 1
            while i < lines.count, lines[i].hasPrefix("  ") {
                let line = lines[i]
                for part in ["inputs", "outputs", "params"] where line.hasPrefix("  \(part): '") {
                    // Collect the quoted scalar across continuation lines (PyYAML folds with a single space).
                    var text = String(line.dropFirst("  \(part): '".count))
                    while !(text.hasSuffix("'") && !text.hasSuffix("''")) || text.hasSuffix("'''") {
                        i += 1
                        guard i < lines.count else { break }
                        let cont = lines[i].trimmingCharacters(in: .whitespaces)
                        text += cont.isEmpty ? "\n" : (text.hasSuffix("\n") ? "" : " ") + cont
                    }
                    text.removeLast()
                    out.append((model, part, text.replacingOccurrences(of: "''", with: "'")))
                }
                i += 1
            }
        }
        return out
    }

    @Test func everyFixtureSignatureStringRoundTripsIdentically() throws {
        let strings = try Self.fixtureStrings()
        #expect(strings.count >= 150)
        for (source, part, text, repr) in strings {
            if part == "params" {
                let params = try ParamSchema(jsonString: text)
                #expect(params.jsonString == text, "\(source) params")
                if let repr { #expect(params.pythonRepr == repr, "\(source) params repr") }
            } else {
                let schema = try Schema(jsonString: text, part: part)
                #expect(schema.jsonString == text, "\(source) \(part)")
                if let repr { #expect(schema.pythonRepr == repr, "\(source) \(part) repr") }
            }
        }
    }

    @Test func everyMLmodelSignatureBlockRoundTrips() throws {
        let blocks = try Self.mlmodelSignatureStrings()
        let index = try SignatureFixtures.index()
        var models = Set<String>()
        for (model, part, text) in blocks {
            models.insert(model)
            // The text extraction agrees with index.json, and the string round-trips.
            #expect(index["models"]?[model]?["signature"]?[part]?.stringValue == text, "\(model) \(part)")
            let sig = try ModelSignature(
                inputs: part == "inputs" ? text : nil, outputs: part == "outputs" ? text : nil,
                params: part == "params" ? text : nil)
            let strings = sig.jsonStrings
            #expect([strings.inputs, strings.outputs, strings.params].compactMap { $0 } == [text])
        }
        #expect(models.count >= 40)
    }

    @Test func modelSignatureDictionary() throws {
        let sig = try ModelSignature(
            inputs: #"[{"type": "string", "name": "sentence_1", "required": true}]"#,
            outputs: #"[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 1]}}]"#, params: nil)
        #expect(JSONWriter.python.string(.object(sig.dictionary))
            == #"{"inputs": "[{\"type\": \"string\", \"name\": \"sentence_1\", \"required\": true}]", "outputs": "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float64\", \"shape\": [-1, 1]}}]", "params": null}"#)
        #expect(sig.inputs?.columns.first?.name == "sentence_1")
        #expect(sig.outputs?.tensors.first?.shape == [-1, 1])
    }

    @Test func builtSchemasWriteMLflowKeyOrder() throws {
        let object = try ObjectType(properties: [
            Property(name: "z", type: .scalar(.long)), Property(name: "a", type: .array(.scalar(.string)), required: false),
        ])
        let schema = try Schema(columns: [
            ColSpec(type: .object(object), name: "o"), ColSpec(type: .map(.any), name: "m", required: false),
        ])
        #expect(schema.jsonString == #"[{"type": "object", "properties": {"a": {"type": "array", "items": {"type": "string"}, "required": false}, "z": {"type": "long", "required": true}}, "name": "o", "required": true}, {"type": "map", "values": {"type": "any"}, "name": "m", "required": false}]"#)
        #expect(schema.pythonRepr == "['o': {a: Array(string) (optional), z: long (required)} (required), 'm': Map(str -> Any) (optional)]")
        let params = try ParamSchema(params: [
            ParamSpec(name: "t", type: .scalar(.double), default: 1), ParamSpec(name: "ids", type: .scalar(.long), default: [1, 2], shape: [-1]),
        ])
        #expect(params.jsonString == #"[{"name": "t", "default": 1.0, "shape": null, "type": "double"}, {"name": "ids", "default": [1, 2], "shape": [-1], "type": "long"}]"#)
    }

    @Test func compositeColSpecWithoutRequiredIsOptionalAndWritesNull() throws {
        let s = try Schema(jsonString: #"[{"type": "array", "items": {"type": "long"}, "name": "a"}, {"type": "long", "name": "b"}]"#)
        #expect(s.columns[0].required == false)
        #expect(s.columns[1].required == true)
        #expect(s.jsonString == #"[{"type": "array", "items": {"type": "long"}, "name": "a", "required": null}, {"type": "long", "name": "b", "required": true}]"#)
    }

    @Test(arguments: [
        (#"[{"type": "string", "name": "a", "required": true, "foo": 1}]"#, "unknown key 'foo'", "$[0].foo"),
        (#"[{"type": "array", "items": {"type": "string", "bar": 2}, "name": "a", "required": true}]"#, "unknown key 'bar'", "$[0].items.bar"),
        (#"[{"type": "object", "properties": {"k": {"type": "long", "x": true}}, "name": "a", "required": true}]"#, "unknown key 'x'", "$[0].properties.k.x"),
        (#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1], "extra": 0}}]"#, "unknown key 'extra'", "$[0].tensor-spec.extra"),
        (#"[{"type": "strng", "name": "a", "required": true}]"#, "Unsupported type 'strng'", "$[0].type"),
        (#"[{"name": "a", "required": true}]"#, "Expected to find key `type`", "$[0]"),
        (#"[]"#, "empty inputs", "$"),
        (#"[{"type": "long", "name": "a"}, {"type": "long"}]"#, "combination of named and unnamed", "$"),
        (#"[{"type": "long", "required": false}]"#, "unnamed optional", "$"),
        (#"[{"type": "long", "name": "a"}, {"name": "t", "type": "tensor", "tensor-spec": {"dtype": "int8", "shape": [1]}}]"#, "combination of ColSpec and TensorSpec", "$"),
        (#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]"#, "multiple unnamed TensorSpecs", "$"),
        (#"[{"type": "tensor", "tensor-spec": {"dtype": "<U10", "shape": [-1]}}]"#, "size information", "$[0].tensor-spec.dtype"),
        (#"[{"type": "tensor", "tensor-spec": {"dtype": "floot", "shape": [-1]}}]"#, "not understood", "$[0].tensor-spec.dtype"),
        (#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-2]}}]"#, "dimension", "$[0].tensor-spec.shape[0]"),
        (#"[{"type": "object", "properties": {}, "name": "o", "required": true}]"#, "empty properties", "$[0]"),
        (#"[{"type": "long", "name": "a", "required": "yes"}]"#, "expected a boolean", "$[0].required"),
        (#"{"type": "long"}"#, "expected a JSON array", "$"),
        (#"[{"type": "long", "name": "a", "required": true}"#, "not valid JSON", "$"),
    ])
    func badSchemasAreRejectedNamingKeyAndPath(text: String, fragment: String, path: String) {
        do {
            let s = try Schema(jsonString: text, part: "inputs")
            Issue.record("accepted \(text) as \(s.jsonString)")
        } catch {
            #expect(error.message.contains(fragment), "\(text): \(error)")
            #expect(error.path.description == path, "\(text): \(error)")
            #expect(error.description.hasPrefix("signature.inputs at \(path)"))
        }
    }

    @Test(arguments: [
        (#"[{"name": "a", "default": 1, "shape": null, "type": "long", "zzz": 1}]"#, "unknown key 'zzz'"),
        (#"[{"name": "a", "shape": null, "type": "long"}]"#, "Missing keys in ParamSpec JSON"),
        (#"[{"name": "a", "default": "x", "shape": null, "type": "long"}]"#, "Can not safely convert"),
        (#"[{"name": "a", "default": 1.5, "shape": null, "type": "long"}]"#, "Can not safely convert"),
        (#"[{"name": "a", "default": true, "shape": null, "type": "long"}]"#, "Can not safely convert"),
        (#"[{"name": "a", "default": "eh", "shape": null, "type": "binary"}]"#, "Binary type is not supported"),
        (#"[{"name": "a", "default": 1, "shape": [-1], "type": "long"}]"#, "1D array"),
        (#"[{"name": "a", "default": [1], "shape": [2], "type": "long"}]"#, "Shape must be None"),
        (#"[{"name": "a", "default": 1, "shape": null, "type": "long"}, {"name": "a", "default": 2, "shape": null, "type": "long"}]"#, "Duplicated parameters"),
        (#"[{"name": "a", "default": "not a date", "shape": null, "type": "datetime"}]"#, "Can not safely convert"),
        (#"[{"name": "o", "default": {"k": 1}, "shape": null, "type": "object", "properties": {"k": {"type": "string", "required": true}}}]"#, "Can not safely convert"),
    ])
    func badParamsAreRejected(text: String, fragment: String) {
        do {
            let p = try ParamSchema(jsonString: text)
            Issue.record("accepted \(text) as \(p.jsonString)")
        } catch {
            #expect(error.message.contains(fragment), "\(text): \(error)")
            #expect(error.part == "params")
        }
    }

    @Test func legacyDtypeKeyIsAcceptedAndWrittenAsType() throws {
        let p = try ParamSchema(jsonString: #"[{"name": "a", "dtype": "double", "default": 2}]"#)
        #expect(p.jsonString == #"[{"name": "a", "default": 2.0, "shape": null, "type": "double"}]"#)
    }
}
