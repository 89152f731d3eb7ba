import Foundation
import MLPackYAML
import Testing
@testable import MLPackCore

@Suite struct MLModelTests {
    @Test func everyFixtureMLmodelRoundTripsByteForByte() throws {
        let dirs = ModelFixtures.modelDirs
        #expect(dirs.count == 45, "expected 45 fixture model directories, found \(dirs.count)")
        for dir in dirs {
            let original = try #require(ModelFixtures.text(dir.appendingPathComponent("MLmodel")))
            let model = try MLModel.load(from: dir)
            #expect(model.yamlText() == original, "\(dir.lastPathComponent): emitted MLmodel differs")
            #expect(model.flavor(named: "python_function") != nil, "\(dir.lastPathComponent)")
            #expect(model.modelID == nil && model["model_id"] == .null, "\(dir.lastPathComponent)")
            #expect(model.unknownKeys.isEmpty, "\(dir.lastPathComponent): \(model.unknownKeys)")
        }
    }

    @Test func typedAccessorsReadTheSentenceTransformersFixture() throws {
        let model = try MLModel.load(from: ModelFixtures.modelsDir.appendingPathComponent("a_st_default"))
        #expect(model.flavors.map(\.name) == ["python_function", "sentence_transformers"])
        let st = try #require(model.flavor(named: "sentence_transformers"))
        #expect(st.string("source_model_name") == "sentence-transformers/all-MiniLM-L6-v2")
        #expect(st.config["code"] == .null)
        #expect(model.flavor(named: "python_function")?.config["env"]?.mappingValue?["virtualenv"] == "python_env.yaml")
        #expect(model.mlflowVersion == "3.17.2")
        #expect(model.modelSizeBytes == 91588771)
        #expect(model.modelUUID == "dcbf1e0ecb7d4bed85620400fe6d3a56")
        #expect(model.utcTimeCreated == "2026-11-29 01:34:04.149897")
        #expect(model.prompts == nil && model["prompts"] == .null)
        #expect(model.signature == MLModelSignatureStrings(
            inputs: #"[{"type": "string", "required": true}]"#,
            outputs: #"[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]"#, params: nil))
        #expect(model.isSignatureFromTypeHint == false && model.typeHintFromExample == false)
        #expect(model.artifactPath == nil && model.runID == nil && model["run_id"] == nil)
    }

    @Test func wrappedSignatureStringsAreJoined() throws {
        let model = try MLModel.load(from: ModelFixtures.modelsDir.appendingPathComponent("a_st_embeddings_task"))
        let outputs = try #require(model.signature?.outputs)
        #expect(outputs.hasPrefix(#"[{"type": "string", "name": "object", "required": true}, {"type": "array","#))
        #expect(!outputs.contains("\n"))
        #expect(model.metadata?["task"] == "llm/v1/embeddings")
        #expect(model.savedInputExampleInfo == nil || model.savedInputExampleInfo?["type"] != nil)
    }

    @Test func unknownKeysAndFlavorKeysSurviveARoundTrip() throws {
        let fixture = try #require(ModelFixtures.text(ModelFixtures.modelsDir.appendingPathComponent("c_nosig/MLmodel")))
        let text = fixture.replacingOccurrences(of: "  python_function:\n", with: "  python_function:\n    zz_custom: [1, {b: 2}]\n")
            + "mlpack_version: 0.1.0\nzz_extra:\n  nested: true\n"
        var model = try MLModel.parse(text)
        #expect(model.unknownKeys == ["mlpack_version", "zz_extra"])
        #expect(model.flavor(named: "python_function")?.config["zz_custom"] == [1, .mapping(["b": 2])])
        let again = try MLModel.parse(model.yamlText())
        #expect(again.yamlText() == model.yamlText())
        #expect(again.fields.count == model.fields.count)
        #expect(model.yamlText().contains("mlpack_version: 0.1.0\n"))
        #expect(model.yamlText().contains("    zz_custom:\n    - 1\n    - b: 2\n"))
        try model.setExtraField("mlpack_version", "0.2.0")
        #expect(model["mlpack_version"] == "0.2.0")
        #expect(throws: MLModelError.reservedKey(key: "flavors")) { try model.setExtraField("flavors", nil) }
    }

    @Test func newModelLooksLikeSaveModel() throws {
        var model = MLModel(
            flavors: [MLModelFlavor(name: "python_function", config: ["loader_module": "mlflow.pyfunc.model", "python_version": "3.11.7"])],
            mlflowVersion: "3.17.2", modelUUID: "13ca0c6568a0438eb8b416a2dfddbad7",
            utcTimeCreated: Date(timeIntervalSince1970: 1_795_914_837.027125))
        model.modelSizeBytes = 1624
        model.setSignature(MLModelSignatureStrings(inputs: #"[{"type": "string", "required": true}]"#))
        model.savedInputExampleInfo = ["artifact_path": "input_example.json", "type": "json_object"]
        let expected = """
            flavors:
              python_function:
                loader_module: mlflow.pyfunc.model
                python_version: 3.11.7
            is_signature_from_type_hint: false
            mlflow_version: 3.17.2
            model_id: null
            model_size_bytes: 1624
            model_uuid: 13ca0c6568a0438eb8b416a2dfddbad7
            prompts: null
            saved_input_example_info:
              artifact_path: input_example.json
              type: json_object
            signature:
              inputs: '[{"type": "string", "required": true}]'
              outputs: null
              params: null
            type_hint_from_example: false
            utc_time_created: '2026-11-29 01:13:57.027125'

            """
        #expect(model.yamlText() == expected)
        #expect(MLModel.formatUTCTimeCreated(Date(timeIntervalSince1970: 1_795_914_837)) == "2026-11-29 01:13:57")
        #expect(MLModel.newModelUUID().count == 32)
        model.setSignature(nil)
        #expect(model["is_signature_from_type_hint"] == nil && model.signature == nil)
    }

    @Test func writeIsAtomicAndReadsBack() throws {
        let dir = try ModelFixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try MLModel.load(from: ModelFixtures.modelsDir.appendingPathComponent("b_similarity"))
        try model.write(to: dir)
        #expect(try MLModel.load(from: dir) == model)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["MLmodel"])
        let original = ModelFixtures.text(ModelFixtures.modelsDir.appendingPathComponent("b_similarity/MLmodel"))
        #expect(ModelFixtures.text(dir.appendingPathComponent("MLmodel")) == original)
        // Writing over a symlink is refused.
        let link = dir.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: dir.appendingPathComponent("MLmodel").path)
        #expect(throws: MLModelError.self) { try model.write(to: link) }
        #expect(throws: MLModelError.self) { try MLModel.load(from: link) }
    }
}

@Suite struct MLModelErrorTests {
    private func brokenCopy(_ transform: (String) -> String) throws -> (URL, URL) {
        let dir = try ModelFixtures.tempDir()
        let original = try #require(ModelFixtures.text(ModelFixtures.modelsDir.appendingPathComponent("a_st_default/MLmodel")))
        let file = dir.appendingPathComponent("MLmodel")
        try transform(original).write(to: file, atomically: true, encoding: .utf8)
        return (dir, file)
    }

    private func loadError(_ transform: (String) -> String) throws -> MLModelError {
        let (dir, _) = try brokenCopy(transform)
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try MLModel.load(from: dir)
        } catch {
            return error
        }
        Issue.record("broken copy was accepted")
        return .empty(path: "")
    }

    @Test func malformedYAMLNamesFileLineAndColumn() throws {
        let e = try loadError { $0.replacingOccurrences(of: "    data: model.sentence_transformer\n", with: "    data: [model.sentence_transformer\n") }
        guard case .yaml(let y) = e else { Issue.record("\(e)"); return }
        #expect(y.file.hasSuffix("/MLmodel"))
        #expect(y.mark?.line == 4, "\(y)")
        #expect(e.description.contains("MLmodel:4:"))
    }

    @Test func nonMappingDocument() throws {
        let e = try loadError { _ in "- flavors\n- python_function\n" }
        guard case .notAMapping(_, 1, 1, "a sequence") = e else { Issue.record("\(e)"); return }
        #expect(e.description.contains("expected a mapping of MLmodel keys"))
        let empty = try loadError { _ in "" }
        guard case .empty = empty else { Issue.record("\(empty)"); return }
    }

    @Test func flavorsMustBeAMapping() throws {
        let e = try loadError { $0.replacingOccurrences(of: "flavors:\n  python_function:", with: "flavors:\n- x\nold:\n  python_function:") }
        #expect(e.description.hasSuffix("MLmodel:2:1: 'flavors': expected a mapping of flavor names to mappings, found a sequence"), "\(e)")
        let f = try loadError { $0.replacingOccurrences(of: "  sentence_transformers:\n    code: null\n", with: "  sentence_transformers: 7\n  zz:\n    code: null\n") }
        guard case .wrongType(_, "flavors.sentence_transformers", 9, 26, _, "an integer") = f else { Issue.record("\(f)"); return }
    }

    @Test func knownKeysMustHaveTheirTypes() throws {
        let size = try loadError { $0.replacingOccurrences(of: "model_size_bytes: 91588771", with: "model_size_bytes: lots") }
        guard case .wrongType(_, "model_size_bytes", 17, 19, "an integer or null", "a string") = size else { Issue.record("\(size)"); return }
        let sig = try loadError { $0.replacingOccurrences(of: "  params: null", with: "  params: [1]") }
        guard case .wrongType(_, "signature.params", _, _, "a JSON string or null", "a sequence") = sig else { Issue.record("\(sig)"); return }
        let version = try loadError { $0.replacingOccurrences(of: "mlflow_version: 3.17.2", with: "mlflow_version: 3.17") }
        guard case .wrongType(_, "mlflow_version", _, _, _, "a float") = version else { Issue.record("\(version)"); return }
        let prompts = try loadError { $0.replacingOccurrences(of: "prompts: null", with: "prompts:\n- 5") }
        guard case .wrongType(_, "prompts[0]", _, _, "a string", _) = prompts else { Issue.record("\(prompts)"); return }
    }

    @Test func aliasesAndDuplicatesAreRefused() throws {
        let alias = try loadError { $0 + "x: &a [1]\ny: *a\n" }
        guard case .yaml(.anchorOrAlias) = alias else { Issue.record("\(alias)"); return }
        let dup = try loadError { $0 + "model_id: null\n" }
        guard case .yaml(.duplicateKey(_, _, "'model_id'")) = dup else { Issue.record("\(dup)"); return }
    }

    @Test func missingFileIsNotFound() throws {
        let dir = try ModelFixtures.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: MLModelError.notFound(path: dir.appendingPathComponent("MLmodel").path)) { try MLModel.load(from: dir) }
    }
}
