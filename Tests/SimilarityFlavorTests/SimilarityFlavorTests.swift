import Foundation
import MLPackCore
import MLPackTestSupport
import Testing
@testable import SimilarityFlavor

/// The similarity flavor: the tutorial's flow end to end on the real model, batch equals
/// pair-by-pair, the tutorial's own pickled MLflow model served natively, precise errors.
struct SimilarityFlavorTests {
    let flavor = SimilarityFlavor()

    private func tutorialPairs() throws -> Table {
        let body = try JSONParser.parse([UInt8](try Data(contentsOf: TestFixtures.tutorial.appendingPathComponent("pairs.json"))))
        guard case .table(let table, _) = try RequestParser().request(from: body).payload else {
            throw FlavorError.invalidInput("pairs.json is not a dataframe_split body")
        }
        return table
    }

    private func scores(_ output: PredictionOutput) throws -> [Double] {
        guard case .tensor(let t) = output, case .float64(let v) = t.storage else {
            throw FlavorError.invalidInput("expected a float64 tensor, got \(output)")
        }
        #expect(t.shape == [v.count, 1])
        return v
    }

    @Test func tutorialFlowOnTheRealModel() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let example = InputExample(request: try RequestParser().request(from: try JSONParser.parse(
            [UInt8](try Data(contentsOf: TestFixtures.tutorial.appendingPathComponent("input_example.json"))))))
        let report = try ModelSaver().save(
            SaveRequest(source: try TestFixtures.realModel().path, inputExample: example), with: flavor, to: temp.appendingPathComponent("sim"))
        // The tutorial's signature, inferred from the example and the model's own output.
        #expect(report.model.signature?.inputs
            == #"[{"type": "string", "name": "sentence_1", "required": true}, {"type": "string", "name": "sentence_2", "required": true}]"#)
        #expect(report.model.signature?.outputs == #"[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 1]}}]"#)
        // Python MLflow loads it from code, no pickle.
        let pyfunc = try #require(report.model.flavor(named: "python_function"))
        #expect(pyfunc.string("loader_module") == "mlflow.pyfunc.loaders.code_model")
        #expect(FileManager.default.fileExists(atPath: report.directory.appendingPathComponent(pyfunc.string("model_code_path")!).path))
        #expect(!FileManager.default.fileExists(atPath: report.directory.appendingPathComponent("python_model.pkl").path))
        #expect(try String(contentsOf: report.directory.appendingPathComponent("requirements.txt"), encoding: .utf8)
            == "mlflow==3.17.2\nsentence_transformers\nnumpy")

        let model = try FlavorRegistry([flavor]).load(directory: report.directory).loaded
        let table = try tutorialPairs()
        let s = try scores(model.predict(.table(table), params: JSONObject()))
        #expect(s.count == 3)
        #expect(s[0] > 0.5 && s[0] < 0.8, "apples/oranges \(s[0])")
        #expect(s[1] < 0.1, "rainforest/installer \(s[1])")
        #expect(s[2] > 0.7, "pyramids \(s[2])")
        #expect(abs(s[0] - 0.6341449022293091) < 1e-5, "MLflow's tutorial score")

        // Batch equals pair-by-pair, and the dict form equals the table form.
        for row in 0..<table.rowCount {
            let a = table.columns[0].json(at: row), b = table.columns[1].json(at: row)
            let one = try scores(model.predict(.value(.object(JSONObject([("sentence_1", a), ("sentence_2", b)]))), params: JSONObject()))
            #expect(one.count == 1 && abs(one[0] - s[row]) < 1e-5, "row \(row): \(one) vs \(s[row])")
        }
        let lists = try scores(model.predict(.value(.object(JSONObject([
            ("sentence_1", .array((0..<3).map { table.columns[0].json(at: $0) })),
            ("sentence_2", .array((0..<3).map { table.columns[1].json(at: $0) })),
        ]))), params: JSONObject()))
        #expect(zip(lists, s).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func tutorialPickledModelPredictsNatively() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let dir = try TestFixtures.fixtureModelWithWeights("b_similarity", in: temp)
        let mlmodel = try MLModel.load(from: dir.appendingPathComponent("MLmodel"))
        #expect(flavor.recognize(mlmodel, in: dir)?.rank == .emulated)
        let model = try flavor.load(mlmodel, from: dir, options: LoadOptions())
        let example = try Table(
            names: [.string("sentence_1"), .string("sentence_2")],
            columns: [Column(.string(["I like apples"])), Column(.string(["I like oranges"]))], rowCount: 1)
        // MLflow serves this model's answer as a bare number: {"predictions": 0.6341449022293091}.
        guard case .value(.double(let score)) = try model.predict(.table(example), params: JSONObject()) else {
            Issue.record("expected a bare number")
            return
        }
        #expect(abs(score - 0.6341449022293091) < 1e-5)
        // Unlike the pickled class, every row is scored.
        guard case .value(.array(let all)) = try model.predict(.table(try tutorialPairs()), params: JSONObject()) else {
            Issue.record("expected one number per pair")
            return
        }
        #expect(all.count == 3)
    }

    @Test func otherPickledModelsArePythonOnly() throws {
        let dir = TestFixtures.mlflowModels.appendingPathComponent("c_coltypes")
        let registry = FlavorRegistry([flavor])
        #expect {
            try registry.load(directory: dir)
        } throws: { "\($0)".contains("Python-only flavor, not loadable natively") && "\($0)".contains("never unpickles") }
    }

    /// What the flavor knows about MLflow's pyfunc loaders, which core no longer names: the
    /// validator checks the files they read through the registry.
    @Test func validatorChecksTheLoadersThroughTheFlavor() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let registry = FlavorRegistry([flavor])
        // A pickled model without its pickle.
        let pickled = temp.appendingPathComponent("c_coltypes")
        try FileManager.default.copyItem(at: TestFixtures.mlflowModels.appendingPathComponent("c_coltypes"), to: pickled)
        try FileManager.default.removeItem(at: pickled.appendingPathComponent("python_model.pkl"))
        let errors = ModelValidator(registry: registry).validate(directory: pickled).filter { $0.severity == .error }
        #expect(errors.map(\.location) == ["MLmodel:flavors.python_function.python_model"], "\(errors)")
        #expect(ModelValidator(registry: FlavorRegistry([])).validate(directory: pickled).isValid)

        // A saved similarity model: valid; then without its model code, and without the key naming it.
        let report = try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp.appendingPathComponent("sim"))
        let findings = ModelValidator(registry: registry).validate(directory: report.directory)
        #expect(findings.isValid, "\(findings.filter { $0.severity == .error })")
        #expect(findings.contains { $0.location == SimilarityFlavor.artifactPath && $0.message.contains("loads natively") })
        try FileManager.default.removeItem(at: report.directory.appendingPathComponent("similarity_model.py"))
        #expect(ModelValidator(registry: registry).validate(directory: report.directory).filter { $0.severity == .error }.map(\.location)
            == ["MLmodel:flavors.python_function.model_code_path"])
        var model = report.model
        var pyfunc = try #require(model.flavor(named: MLModelFlavor.pythonFunction))
        pyfunc.config["model_code_path"] = nil
        model.setFlavor(pyfunc)
        try model.write(to: report.directory)
        let missing = ModelValidator(registry: registry).validate(directory: report.directory).filter { $0.severity == .error }
        #expect(missing.map(\.message) == ["missing; mlflow.pyfunc.loaders.code_model needs the source file name of the model from code"])

        // The embedded model is named by its block key when it is missing.
        try FileManager.default.removeItem(at: report.directory.appendingPathComponent(SimilarityFlavor.artifactPath))
        let gone = ModelValidator(registry: registry).validate(directory: report.directory).filter { $0.severity == .error }
        #expect(gone.contains { $0.location == "MLmodel:flavors.similarity.embedding_model" }, "\(gone)")
    }

    @Test func hooksDescribeTheModel() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let report = try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp.appendingPathComponent("sim"))
        #expect(flavor.defaultPipRequirements(for: report.model) == ["sentence_transformers", "numpy"])
        #expect(flavor.embeddedModels(in: report.model) == [EmbeddedModel(
            path: "artifacts/sbert_model", key: "flavors.similarity.embedding_model", sourceName: TestFixtures.tinyBERT.path)])
        let tutorial = try MLModel.load(from: TestFixtures.mlflowModels.appendingPathComponent("b_similarity"))
        #expect(flavor.embeddedModels(in: tutorial) == [EmbeddedModel(path: "artifacts/sbert_model", key: "flavors.python_function.artifacts.model_path.path")])
        #expect(flavor.embeddedModels(in: try MLModel.load(from: TestFixtures.mlflowModels.appendingPathComponent("c_coltypes"))).isEmpty)
        #expect(flavor.emulatedPythonLoaders.count == 2)
    }

    /// A saved model as the source of a new one: the registry finds the embedded model.
    @Test func saveFromAnExistingModelThroughTheRegistry() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let first = try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp.appendingPathComponent("a"))
        let second = try ModelSaver().save(
            SaveRequest(source: first.directory.path, registry: FlavorRegistry([flavor])), with: flavor, to: temp.appendingPathComponent("b"))
        #expect(second.model.flavor(named: "similarity")?.string("source_model_name") == TestFixtures.tinyBERT.path)
        #expect {
            try ModelSaver().save(SaveRequest(source: first.directory.path, registry: FlavorRegistry([])), with: flavor, to: temp.appendingPathComponent("c"))
        } throws: { "\($0)".contains("names no embedded model that a registered flavor") }
    }

    @Test func errorsNameTheRowAndColumn() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let report = try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp.appendingPathComponent("sim"))
        let model = try FlavorRegistry([flavor]).load(directory: report.directory).loaded
        func message(_ input: ModelInput) -> String {
            do { _ = try model.predict(input, params: JSONObject()); return "" } catch { return "\(error)" }
        }
        let three = try Table(names: [.string("a"), .string("b"), .string("c")],
                              columns: [Column(.string(["x"])), Column(.string(["y"])), Column(.string(["z"]))], rowCount: 1)
        #expect(message(.table(three)).contains("exactly two columns"))
        let nonString = try Table(names: [.string("s1"), .string("s2")],
                                  columns: [Column(.string(["x", "y"])), Column(.boxed([.string("ok"), .int(5)]))], rowCount: 2)
        #expect(message(.table(nonString)).contains("row 1, column 's2'"))
        #expect(message(.value(["sentence_1": "x"])).contains("missing: sentence_2"))
        #expect(message(.value(["sentence_1": ["a", "b"], "sentence_2": ["c"]])).contains("has 2 sentences but 'sentence_2' has 1"))
        #expect(message(.value(.array(["a"]))).contains("expected a two-column table"))
    }

    @Test func missingArtifactIsALoadError() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let report = try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp.appendingPathComponent("sim"))
        try FileManager.default.removeItem(at: report.directory.appendingPathComponent("artifacts/sbert_model"))
        #expect {
            try FlavorRegistry([flavor]).load(directory: report.directory)
        } throws: { "\($0)".contains("artifacts/sbert_model") }
    }

    @Test func saveIntoAnExistingDirectoryWritesNothing() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        #expect(throws: SaveError.self) {
            try ModelSaver().save(SaveRequest(source: TestFixtures.tinyBERT.path), with: flavor, to: temp)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path).isEmpty)
        // A bad source leaves no staging directory behind either.
        #expect(throws: (any Error).self) {
            try ModelSaver().save(SaveRequest(source: "/no/such/model"), with: flavor, to: temp.appendingPathComponent("x"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path).isEmpty)
    }
}
