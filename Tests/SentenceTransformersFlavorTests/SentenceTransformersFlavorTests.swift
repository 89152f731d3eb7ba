import Foundation
import MLPackCore
import MLPackTestSupport
import Testing
@testable import SentenceTransformersFlavor

/// The sentence_transformers flavor: MLflow-written models load and predict natively, and
/// mlpack-saved ones have MLflow's layout and MLmodel content.
struct SentenceTransformersFlavorTests {
    let flavor = SentenceTransformersFlavor()

    /// The embeddings MLflow's own `predict` gave right after saving (index.json `check_prediction`).
    private func mlflowPrediction(_ model: String) throws -> (input: [String], rows: [[Double]]) {
        let index = try JSONParser.parse([UInt8](try Data(contentsOf: TestFixtures.mlflowModels.appendingPathComponent("index.json"))))
        let check = try #require(index["models"]?[model]?["check_prediction"])
        let input = try #require(check["input"]?["v"]?.arrayValue).compactMap { $0["v"]?.stringValue }
        let rows = try #require(check["output"]?["v"]?.arrayValue).map { try #require($0.arrayValue).compactMap(\.numberValue) }
        return (input, rows)
    }

    @Test(arguments: ["a_st_default", "a_st_input_example"])
    func mlflowWrittenModelPredictsLikeMLflow(_ name: String) throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let dir = try TestFixtures.fixtureModelWithWeights(name, in: temp)
        let mlmodel = try MLModel.load(from: dir.appendingPathComponent("MLmodel"))
        #expect(flavor.recognize(mlmodel, in: dir)?.rank == .native)
        let model = try flavor.load(mlmodel, from: dir, options: LoadOptions())
        let reference = try mlflowPrediction("a_st_input_example")
        let output = try model.predict(.value(.array(reference.input.map(JSONValue.string))), params: JSONObject())
        guard case .tensor(let tensor) = output, case .float32(let values) = tensor.storage else {
            Issue.record("expected a float32 tensor, got \(output)")
            return
        }
        #expect(tensor.shape == [2, 384])
        var maxDelta = 0.0
        for (i, row) in reference.rows.enumerated() {
            for (j, x) in row.enumerated() { maxDelta = max(maxDelta, abs(Double(values[i * 384 + j]) - x)) }
        }
        #expect(maxDelta <= 1e-5, "max |Δ| \(maxDelta)")
    }

    @Test func embeddingsTaskAnswersOpenAIStyle() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let dir = try TestFixtures.fixtureModelWithWeights("a_st_embeddings_task", in: temp)
        let model = try flavor.load(try MLModel.load(from: dir.appendingPathComponent("MLmodel")), from: dir, options: LoadOptions())
        let table = try Table(names: [.string("input")], columns: [Column(.string(["I like apples"]))], rowCount: 1)
        let out = try model.predict(.table(table), params: JSONObject()).json
        #expect(out["object"] == "list")
        #expect(out["usage"]?["prompt_tokens"] == .int(5))  // [CLS] i like apples [SEP], as MLflow answers
        #expect(out["data"]?.arrayValue?.first?["embedding"]?.arrayValue?.count == 384)
    }

    @Test func savedModelMatchesMLflowLayout() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let example = InputExample(data: .json(["I like apples", "I like oranges"]))
        let report = try ModelSaver().save(
            SaveRequest(source: try TestFixtures.realModel().path, inputExample: example), with: flavor,
            to: temp.appendingPathComponent("st"))
        let saved = report.model
        let reference = try MLModel.load(from: TestFixtures.mlflowModels.appendingPathComponent("a_st_input_example/MLmodel"))
        // Same flavor blocks with the same keys, the same python_function values, the same signature.
        #expect(saved.flavors.map(\.name) == reference.flavors.map(\.name))
        for (a, b) in zip(saved.flavors, reference.flavors) {
            #expect(Set(a.config.keys.compactMap(\.stringValue)) == Set(b.config.keys.compactMap(\.stringValue)), "\(a.name)")
        }
        let pyfunc = try #require(saved.flavor(named: "python_function"))
        #expect(pyfunc.string("loader_module") == "mlflow.sentence_transformers")
        #expect(pyfunc.string("data") == "model.sentence_transformer")
        #expect(saved.flavor(named: "sentence_transformers")?.string("pipeline_model_type") == "BertModel")
        #expect(saved.signature == reference.signature)
        #expect(saved.savedInputExampleInfo == reference.savedInputExampleInfo)
        for file in ["input_example.json", "serving_input_example.json"] {
            #expect(try Data(contentsOf: report.directory.appendingPathComponent(file))
                == Data(contentsOf: TestFixtures.mlflowModels.appendingPathComponent("a_st_input_example/\(file)")), "\(file)")
        }
        // Every file MLflow's copy has inside model.sentence_transformer exists in ours too.
        let ours = Set(try FileManager.default.subpathsOfDirectory(atPath: report.directory.appendingPathComponent("model.sentence_transformer").path))
        let theirs = try FileManager.default.subpathsOfDirectory(
            atPath: TestFixtures.mlflowModels.appendingPathComponent("a_st_input_example/model.sentence_transformer").path)
        for f in theirs where !f.hasSuffix(".REMOVED.txt") && f != "README.md" { #expect(ours.contains(f), "\(f)") }
        // And it loads back through the registry.
        let registry = FlavorRegistry([flavor])
        let loaded = try registry.load(directory: report.directory).loaded
        #expect(loaded.flavorName == "sentence_transformers")
    }

    @Test func defaultSignatureWithoutExample() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let report = try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp.appendingPathComponent("st"))
        let reference = try MLModel.load(from: TestFixtures.mlflowModels.appendingPathComponent("a_st_default/MLmodel"))
        #expect(report.model.signature == reference.signature)
        #expect(report.model.savedInputExampleInfo == nil)
        #expect(!FileManager.default.fileExists(atPath: report.directory.appendingPathComponent("input_example.json").path))
    }

    @Test func inputsOfEveryShapeAndErrors() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let report = try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp.appendingPathComponent("st"))
        let model = try FlavorRegistry([flavor]).load(directory: report.directory).loaded
        let single = try model.predict(.value("hello"), params: JSONObject())
        guard case .tensor(let t) = single else { Issue.record("not a tensor"); return }
        #expect(t.shape.count == 2 && t.shape[0] == 1)
        let table = try Table(names: [.string("text")], columns: [Column(.string(["a", "b", "c"]))], rowCount: 3)
        guard case .tensor(let t3) = try model.predict(.table(table), params: JSONObject([("batch_size", 2)])) else { Issue.record("not a tensor"); return }
        #expect(t3.shape[0] == 3)
        #expect(throws: FlavorError.self) { try model.predict(.value(.array(["a", 5])), params: JSONObject()) }
        #expect(throws: FlavorError.self) { try model.predict(.value("a"), params: JSONObject([("batch_size", "big")])) }
        #expect(throws: FlavorError.self) { try model.predict(.value("a"), params: JSONObject([("prompt_name", "query")])) }
    }

    @Test func missingDataDirectoryIsALoadErrorNamingTheKey() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let dir = temp.appendingPathComponent("a_st_default")
        try FileManager.default.copyItem(at: TestFixtures.mlflowModels.appendingPathComponent("a_st_default"), to: dir)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.sentence_transformer"))
        let mlmodel = try MLModel.load(from: dir.appendingPathComponent("MLmodel"))
        #expect {
            try flavor.load(mlmodel, from: dir, options: LoadOptions())
        } throws: { error in
            "\(error)".contains("model.sentence_transformer") && "\(error)".contains("python_function.data")
        }
    }

    /// The `modules.json` check moved from core's validator into the flavor's own `validate`.
    @Test func validatorChecksModulesJSONThroughTheFlavor() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let report = try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp.appendingPathComponent("st"))
        let registry = FlavorRegistry([flavor])
        let findings = ModelValidator(registry: registry).validate(directory: report.directory)
        #expect(findings.isValid, "\(findings.filter { $0.severity == .error })")
        #expect(findings.contains { $0.message == "loadable natively by mlpack flavor 'sentence_transformers'" })
        try FileManager.default.removeItem(at: report.directory.appendingPathComponent("model.sentence_transformer/modules.json"))
        let errors = ModelValidator(registry: registry).validate(directory: report.directory).filter { $0.severity == .error }
        #expect(errors.contains { $0.location == "model.sentence_transformer/modules.json" && $0.message.contains("SentenceTransformer(path) reads it first") }, "\(errors)")
        #expect(ModelValidator(registry: FlavorRegistry([])).validate(directory: report.directory).isValid)
        try FileManager.default.removeItem(at: report.directory.appendingPathComponent("model.sentence_transformer"))
        let gone = ModelValidator(registry: registry).validate(directory: report.directory).filter { $0.severity == .error }
        #expect(gone.contains { $0.location == "MLmodel:flavors.python_function.data" }, "\(gone)")
    }

    @Test func hooksDescribeMLflowWrittenModels() throws {
        let model = try MLModel.load(from: TestFixtures.mlflowModels.appendingPathComponent("a_st_default"))
        #expect(flavor.defaultPipRequirements(for: model) == ["sentence-transformers", "transformers", "torch"])
        #expect(FlavorRegistry([flavor]).defaultPipRequirements(for: model) == ["sentence-transformers", "transformers", "torch"])
        #expect(flavor.embeddedModels(in: model) == [EmbeddedModel(
            path: "model.sentence_transformer", key: "flavors.python_function.data", sourceName: model.flavor(named: "sentence_transformers")?.string("source_model_name"))])
        #expect(flavor.embeddedModels(in: try MLModel.load(from: TestFixtures.mlflowModels.appendingPathComponent("c_coltypes"))).isEmpty)
        #expect(flavor.emulatedPythonLoaders == ["mlflow.sentence_transformers"])
    }

    /// An MLflow-written model as the source of a new one: the registry finds the embedded model.
    @Test func saveFromAnExistingModelThroughTheRegistry() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let first = try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp.appendingPathComponent("a"))
        let second = try ModelSaver().save(
            SaveRequest(source: first.directory.path, registry: FlavorRegistry([flavor])), with: flavor, to: temp.appendingPathComponent("b"))
        #expect(second.model.flavor(named: "sentence_transformers")?.string("source_model_name") == TestFixtures.tinyBERT.path)
    }
}
