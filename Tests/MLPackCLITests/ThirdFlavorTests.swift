import Foundation
import MLPackArchive
import MLPackCore
import MLPackTestSupport
import Testing
@testable import MLPackCLI

/// A flavor defined in a test target (``RowCountFlavor``) and registered next to the built-in ones
/// goes through save → load → predict → pack → validate (directory and archive) with core's and the
/// archive's APIs: nothing outside its own file names it.
struct ThirdFlavorTests {
    let registry = FlavorRegistry(BuiltInFlavors.all + [RowCountFlavor()])
    let builtIns = FlavorRegistry(BuiltInFlavors.all)

    private func table() throws -> Table {
        try Table(
            names: [.string("a"), .string("b")],
            columns: [Column(.string(["x", "y", "z"])), Column(.boxed([.string("p"), .null, .string("q")]))], rowCount: 3)
    }

    private func save(weight: String, in temp: URL, example: InputExample? = nil) throws -> ModelSaver.Report {
        let flavor = try #require(registry.flavor(named: RowCountFlavor.flavorName))
        return try ModelSaver().save(
            SaveRequest(source: weight, inputExample: example, registry: registry), with: flavor, to: temp.appendingPathComponent("rows"))
    }

    private func counts(_ output: PredictionOutput) throws -> [Int64] {
        guard case .tensor(let t) = output, case .int(let values) = t.storage else {
            throw FlavorError.invalidInput("expected an int64 tensor, got \(output)")
        }
        return values
    }

    @Test func saveLoadPredictPackValidate() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let report = try save(weight: "3", in: temp, example: InputExample(data: .dataframe(try table())))

        // Saved: its own block, python_function with its loader, its default requirements, a signature.
        #expect(report.model.flavors.map(\.name) == [MLModelFlavor.pythonFunction, RowCountFlavor.flavorName])
        #expect(try String(contentsOf: report.directory.appendingPathComponent("requirements.txt"), encoding: .utf8)
            == "mlflow==\(MLPack.mlflowCompatibleVersion)\n" + RowCountFlavor.pipRequirements.joined(separator: "\n"))
        let signature = try #require(try report.model.parsedSignature)
        #expect(signature.inputs?.columns.map(\.name) == [.string("a"), .string("b")])

        // Loaded back through the registry: the MLmodel, the flavor chosen and the model.
        let loaded = try registry.load(directory: report.directory)
        #expect(loaded.flavor.name == RowCountFlavor.flavorName)
        #expect(loaded.match == FlavorMatch(rank: .native, block: RowCountFlavor.flavorName))
        #expect(loaded.model.yamlText() == report.model.yamlText())
        #expect(loaded.loaded.signature == signature)
        let enforced = try SchemaEnforcer.enforce(input: .table(try table()), params: nil, signature: loaded.loaded.signature)
        #expect(try counts(loaded.loaded.predict(enforced.input, params: enforced.params)) == [6, 3, 6])
        #expect(try counts(loaded.loaded.predict(.value([["a", "b", .null], "c"]), params: JSONObject())) == [6, 3])
        // The built-in flavors alone cannot run it, and say why.
        #expect(throws: FlavorError.self) { try builtIns.load(directory: report.directory) }
        #expect(builtIns.unsupportedReason(report.model).contains(RowCountFlavor.loaderModule))

        // Packed without environment files: they are generated from the flavor's defaults (only
        // when the flavor is registered).
        let bare = temp.appendingPathComponent("bare")
        try FileManager.default.copyItem(at: report.directory, to: bare)
        for file in PackEnvironmentFile.allCases { try FileManager.default.removeItem(at: bare.appendingPathComponent(file.fileName)) }
        let archive = temp.appendingPathComponent("rows.zip")
        let packed = try ArchivePacker.pack(modelDirectory: bare, to: archive, options: PackOptions(support: MLModelPackSupport(registry: registry)))
        #expect(packed.generatedFiles == ["conda.yaml", "python_env.yaml", "requirements.txt"])
        #expect(packed.manifest.flavors == [MLModelFlavor.pythonFunction, RowCountFlavor.flavorName])
        let withoutIt = try ArchivePacker.pack(
            modelDirectory: bare, to: temp.appendingPathComponent("other.zip"), options: PackOptions(support: MLModelPackSupport(registry: builtIns)))
        #expect(withoutIt.generatedFiles.count == 3)
        let unpacked = temp.appendingPathComponent("unpacked")
        try ArchiveUnpacker.unpack(archive: archive, to: unpacked)
        #expect(try PipRequirementsFile.load(from: unpacked.appendingPathComponent("requirements.txt")).lines
            == ["mlflow==\(MLPack.mlflowCompatibleVersion)"] + RowCountFlavor.pipRequirements)
        try ArchiveUnpacker.unpack(archive: temp.appendingPathComponent("other.zip"), to: temp.appendingPathComponent("other"))
        #expect(try PipRequirementsFile.load(from: temp.appendingPathComponent("other/requirements.txt")).lines
            == ["mlflow==\(MLPack.mlflowCompatibleVersion)", "cloudpickle"], "no registered flavor answers: MLflow's pyfunc default")

        // Validated, as a directory and as an archive: the flavor's own check runs.
        let validator = ModelValidator(registry: registry)
        for path in [report.directory.path, archive.path] {
            let findings = validator.validate(modelOrArchiveAt: path)
            #expect(findings.isValid, "\(path): \(findings.filter { $0.severity == .error })")
            #expect(findings.contains { $0.message == "loadable natively by mlpack flavor '\(RowCountFlavor.flavorName)'" }, "\(path)")
            #expect(findings.contains { $0.location == RowCountFlavor.configFile && $0.message == "rowcount weight 3" }, "\(path)")
            #expect(findings.contains { $0.message.contains("passes the signature's enforcement") }, "\(path)")
        }
        #expect(validator.validate(modelOrArchiveAt: archive.path).contains { $0.location == ArchiveManifest.fileName })
        // Without the flavor registered, the model is valid for MLflow but not loadable natively.
        let unknown = ModelValidator(registry: builtIns).validate(modelOrArchiveAt: archive.path)
        #expect(unknown.isValid)
        #expect(unknown.contains { $0.severity == .warning && $0.message.contains("not loadable natively") })
    }

    @Test func errorsNameTheFileAndKey() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        #expect { try save(weight: "many", in: temp) } throws: { "\($0)".contains("expected the weight") }
        let report = try save(weight: "2", in: temp)
        #expect(try report.model.parsedSignature == nil)
        let config = report.directory.appendingPathComponent(RowCountFlavor.configFile)
        try Data("{\"weight\": 0}".utf8).write(to: config)
        #expect { try registry.load(directory: report.directory) } throws: { "\($0)" == "rowcount.json: key 'weight': expected an integer from 1 to 1000000" }
        let errors = ModelValidator(registry: registry).validate(directory: report.directory).filter { $0.severity == .error }
        #expect(errors.map(\.location) == [RowCountFlavor.configFile], "\(errors)")

        // The loader's required python_function key, known only to the flavor, is checked by the validator.
        var model = report.model
        var pyfunc = try #require(model.flavor(named: MLModelFlavor.pythonFunction))
        pyfunc.config["data"] = nil
        model.setFlavor(pyfunc)
        try model.write(to: report.directory)
        let missing = ModelValidator(registry: registry).validate(directory: report.directory).filter { $0.severity == .error }
        #expect(missing.contains {
            $0.location == "MLmodel:flavors.python_function.data" && $0.message == "missing; \(RowCountFlavor.loaderModule) needs the weight file"
        }, "\(missing)")
        #expect(ModelValidator(registry: builtIns).validate(directory: report.directory).filter { $0.location == "MLmodel:flavors.python_function.data" }.isEmpty)
    }

    @Test func builtInPackDefaultsComeFromTheFlavors() throws {
        // The sentence-transformers model MLflow wrote, without environment files: the defaults
        // come from the registered sentence_transformers flavor, not from the packager.
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = temp.appendingPathComponent("st")
        try FileManager.default.copyItem(at: TestFixtures.mlflowModels.appendingPathComponent("a_st_default"), to: model)
        for file in PackEnvironmentFile.allCases { try FileManager.default.removeItem(at: model.appendingPathComponent(file.fileName)) }
        _ = try ArchivePacker.pack(modelDirectory: model, to: temp.appendingPathComponent("st.zip"), options: PackOptions(support: MLModelPackSupport(registry: builtIns)))
        try ArchiveUnpacker.unpack(archive: temp.appendingPathComponent("st.zip"), to: temp.appendingPathComponent("out"))
        #expect(try PipRequirementsFile.load(from: temp.appendingPathComponent("out/requirements.txt")).lines
            == ["mlflow==\(MLPack.mlflowCompatibleVersion)", "sentence-transformers", "transformers", "torch"])
    }
}
