import Foundation
import MLPackTestSupport
import Testing
@testable import MLPackCore

/// A configurable flavor for the registry's tests: it recognises its own block (native) and, when
/// given a loader, a `python_function` block with that loader (emulated).
private struct BlockFlavor: Flavor {
    let name: String
    var loaders: [PythonLoader] = []
    var requirements: [String]?
    var embedded: [EmbeddedModel] = []

    var summary: String { "test flavor \(name)" }
    var pythonLoaders: [PythonLoader] { loaders }

    func recognize(_ model: MLModel, in directory: URL) -> FlavorMatch? {
        if model.flavor(named: name) != nil { return FlavorMatch(rank: .native, block: name) }
        let loader = model.flavor(named: MLModelFlavor.pythonFunction)?.string("loader_module")
        if loaders.contains(where: { $0.module == loader && $0.native == .all }) {
            return FlavorMatch(rank: .emulated, block: MLModelFlavor.pythonFunction)
        }
        return nil
    }

    func load(_ model: MLModel, from directory: URL, options: LoadOptions) throws -> any LoadedModel {
        ConstantModel(flavorName: name, signature: try model.parsedSignature)
    }

    func save(_ request: SaveRequest, into staging: URL) throws -> SavedFlavorContent {
        SavedFlavorContent(flavors: [MLModelFlavor(name: name, config: ["source": .string(request.source)])], signature: nil, defaultPipRequirements: [])
    }

    func defaultPipRequirements(for model: MLModel) -> [String]? { requirements }
    func embeddedModels(in model: MLModel) -> [EmbeddedModel] { model.flavor(named: name) != nil ? embedded : [] }
}

private struct ConstantModel: LoadedModel {
    let flavorName: String
    let signature: ModelSignature?
    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput { .value(.string(flavorName)) }
}

struct FlavorRegistryTests {
    private func model(_ flavors: [String], loader: String? = nil) -> MLModel {
        var blocks = flavors.map { MLModelFlavor(name: $0, config: [:]) }
        if let loader { blocks.insert(MLModelFlavor(name: MLModelFlavor.pythonFunction, config: ["loader_module": .string(loader)]), at: 0) }
        return MLModel(flavors: blocks)
    }

    @Test func resolvePrefersNativeBlocksThenRegistrationOrder() throws {
        let emulating = BlockFlavor(name: "b", loaders: [PythonLoader(module: "py.b", native: .all)])
        let registry = FlavorRegistry([BlockFlavor(name: "a"), emulating, BlockFlavor(name: "c")])
        let url = URL(fileURLWithPath: "/nonexistent")
        #expect(try registry.resolve(model(["c"], loader: "py.b"), in: url).0.name == "c")
        #expect(try registry.resolve(model([], loader: "py.b"), in: url).1 == FlavorMatch(rank: .emulated, block: MLModelFlavor.pythonFunction))
        #expect(try registry.resolve(model(["c", "a"]), in: url).0.name == "a")
        #expect(throws: FlavorError.notLoadable(directory: "/nonexistent", flavors: ["z"], reason: "no registered flavor recognises its flavor blocks")) {
            try registry.resolve(model(["z"]), in: url)
        }
    }

    @Test func unsupportedReasonAsksTheFlavorsAboutPythonLoaders() {
        let registry = FlavorRegistry([
            BlockFlavor(name: "a", loaders: [PythonLoader(module: "py.pickled", native: .some("one layout"), pythonOnlyReason: "pickled, never unpickled")]),
        ])
        #expect(registry.unsupportedReason(model([], loader: "py.pickled"))
            == "its python_function loader_module py.pickled is a Python-only flavor, not loadable natively: pickled, never unpickled")
        #expect(FlavorRegistry([]).unsupportedReason(model([], loader: "py.pickled"))
            == "its python_function loader_module py.pickled is a Python-only flavor, not loadable natively")
        #expect(registry.pythonLoader("py.other") == nil)
        #expect(registry.all[0].emulatedPythonLoaders == ["py.pickled (one layout)"])
    }

    @Test func defaultPipRequirementsComeFromTheCarriedBlocks() {
        let registry = FlavorRegistry([
            BlockFlavor(name: "a", requirements: ["x", "y"]), BlockFlavor(name: "b", requirements: ["y", "z"]),
            BlockFlavor(name: "c"), BlockFlavor(name: "d", requirements: ["never"]),
        ])
        #expect(registry.defaultPipRequirements(for: model(["b", "a"])) == ["x", "y", "z"])
        #expect(registry.defaultPipRequirements(for: model(["c"])) == nil)
        #expect(registry.defaultPipRequirements(for: model([], loader: "py.a")) == nil)
        #expect(registry.flavors(carriedBy: model(["d", "b"])).map(\.name) == ["b", "d"])
    }

    @Test func loadReturnsTheModelTheFlavorAndTheLoadedModel() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        var mlmodel = model(["b"])
        mlmodel.setSignature(MLModelSignatureStrings(inputs: #"[{"type": "string", "required": true}]"#))
        try mlmodel.write(to: temp.appendingPathComponent(MLModel.fileName))
        let loaded = try FlavorRegistry([BlockFlavor(name: "a"), BlockFlavor(name: "b")]).load(directory: temp)
        #expect(loaded.flavor.name == "b" && loaded.match.rank == .native)
        #expect(loaded.model.yamlText() == mlmodel.yamlText())
        #expect(loaded.loaded.flavorName == "b")
        #expect(loaded.loaded.signature == (try mlmodel.parsedSignature))
        #expect(loaded.directory == temp)
    }

    @Test func validatorChecksWhatFlavorsSayLoadersAndEmbeddedModelsNeed() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let loader = PythonLoader(
            module: "py.code", native: .none, pythonOnlyReason: "Python code",
            entries: [
                .init(key: "code_path", kind: .file, required: true, purpose: "the source file", atRootByFileName: true),
                .init(key: "pickle", kind: .file, required: false, purpose: "the pickle"),
            ])
        let flavor = BlockFlavor(name: "a", loaders: [loader], embedded: [EmbeddedModel(path: "inner/model", key: "flavors.a.inner")])
        var mlmodel = MLModel(flavors: [
            MLModelFlavor(name: MLModelFlavor.pythonFunction, config: ["loader_module": "py.code", "pickle": "model.pkl"]),
            MLModelFlavor(name: "a", config: [:]),
        ])
        try mlmodel.write(to: temp.appendingPathComponent(MLModel.fileName))
        let validator = ModelValidator(registry: FlavorRegistry([flavor]))
        let errors = validator.validate(directory: temp).filter { $0.severity == .error }
        #expect(errors.map(\.location).sorted() == [
            "MLmodel:flavors.a.inner", "MLmodel:flavors.python_function.code_path", "MLmodel:flavors.python_function.pickle",
        ], "\(errors)")
        #expect(errors.contains { $0.message == "missing; py.code needs the source file" })
        #expect(errors.contains { $0.message.contains("'inner/model' (the a flavor's embedded model) not found") })
        // The empty registry knows nothing about the loader or embedded models.
        #expect(ModelValidator(registry: FlavorRegistry([])).validate(directory: temp).filter { $0.severity == .error }.isEmpty)

        // Present entries pass; model code is looked up at the root by its file name.
        try FileManager.default.createDirectory(at: temp.appendingPathComponent("inner/model"), withIntermediateDirectories: true)
        try Data().write(to: temp.appendingPathComponent("model.pkl"))
        try Data().write(to: temp.appendingPathComponent("code.py"))
        var pyfunc = try #require(mlmodel.flavor(named: MLModelFlavor.pythonFunction))
        pyfunc.config["code_path"] = "/somewhere/else/code.py"
        mlmodel.setFlavor(pyfunc)
        try mlmodel.write(to: temp.appendingPathComponent(MLModel.fileName))
        #expect(validator.validate(directory: temp).filter { $0.severity == .error }.isEmpty)
    }

    @Test func parsedSignatureIsReadOnceAndFollowsSetSignature() throws {
        let text = """
            flavors:
              python_function:
                loader_module: x
            signature:
              inputs: '[{"type": "string", "required": true, "colour": "red"}]'
              outputs: null
              params: null

            """
        var model = try MLModel.parse(text)
        #expect { try model.parsedSignature } throws: { error in
            (error as? SignatureError)?.part == "inputs" && "\(error)".contains("colour")
        }
        let good = ModelSignature(inputs: try Schema(columns: [ColSpec(type: .scalar(.string), name: .string("s"))]))
        model.setSignature(good)
        #expect(try model.parsedSignature == good)
        #expect(model.signature?.inputs == good.inputs?.jsonString)
        model.setSignature(nil)
        #expect(try model.parsedSignature == nil)
        #expect(try MLModel(flavors: []).parsedSignature == nil)
        let reread = try MLModel.parse(MLModel(flavors: []).yamlText())
        #expect(try reread.parsedSignature == nil)
    }
}

/// `bootstrap` sets the process's registry once; a second call stops the process (run in a child
/// process, so the test process itself is never bootstrapped).
struct FlavorRegistryBootstrapTests {
    @Test func secondBootstrapIsAProgrammingError() async {
        await #expect(processExitsWith: .success) {
            FlavorRegistry.bootstrap([BlockFlavor(name: "a")])
            guard FlavorRegistry.shared.all.map(\.name) == ["a"] else { exit(1) }
        }
        await #expect(processExitsWith: .failure) {
            FlavorRegistry.bootstrap([BlockFlavor(name: "a")])
            FlavorRegistry.bootstrap([BlockFlavor(name: "b")])
        }
    }
}
