import Foundation
import MLPackBERT
import MLPackCore
import MLPackEmbedding

/// MLflow's `sentence_transformers` flavor, run natively: the tokenizer and BERT encoder of
/// `MLPackBERT` replace sentence-transformers and torch.
///
/// Reads models MLflow wrote (`model.sentence_transformer/` + `loader_module:
/// mlflow.sentence_transformers`) and writes the same layout, so MLflow loads what mlpack saves.
public struct SentenceTransformersFlavor: Flavor {
    public init() {}

    public static let flavorName = "sentence_transformers"
    public static let dataPath = "model.sentence_transformer"
    public static let loaderModule = "mlflow.sentence_transformers"
    /// The only `task` MLflow accepts for this flavor.
    public static let embeddingsTask = "llm/v1/embeddings"

    /// MLflow's `get_default_pip_requirements` for the flavor, unpinned (what `mlpack pack` writes
    /// into a missing `requirements.txt`).
    public static let packPipRequirements = ["sentence-transformers", "transformers", "torch"]
    /// The requirements `save` writes. Unpinned: the version in config_sentence_transformers.json is
    /// the one that *wrote* the model (2.0.0 for the hub's all-MiniLM-L6-v2), not one a Python user
    /// should install.
    static let savePipRequirements = ["sentence-transformers", "torch", "transformers"]

    public var name: String { Self.flavorName }
    public var summary: String { "sentence-transformers embedding models (tokenizer + transformer encoder on OpenBLAS, no Python)" }
    public var pythonLoaders: [PythonLoader] { [PythonLoader(module: Self.loaderModule, native: .all)] }
    /// The encoder architectures and tokenizer types of the embedded model run natively.
    public var nativeSupport: [FlavorCapability] { EncoderSupport.capabilities }

    public func defaultPipRequirements(for model: MLModel) -> [String]? { Self.packPipRequirements }

    /// The sentence-transformers directory: `python_function.data`, else MLflow's default
    /// `model.sentence_transformer`, for a model with this flavor's block or MLflow's loader.
    public func embeddedModels(in model: MLModel) -> [EmbeddedModel] {
        let block = model.flavor(named: Self.flavorName)
        let pyfunc = model.flavor(named: MLModelFlavor.pythonFunction)
        guard block != nil || pyfunc?.string("loader_module") == Self.loaderModule else { return [] }
        let data = pyfunc?.string("data")
        return [EmbeddedModel(
            path: data ?? Self.dataPath,
            key: data != nil ? "flavors.\(MLModelFlavor.pythonFunction).data" : "flavors.\(Self.flavorName)",
            sourceName: block?.string("source_model_name"))]
    }

    public func recognize(_ model: MLModel, in directory: URL) -> FlavorMatch? {
        if model.flavor(named: Self.flavorName) != nil { return FlavorMatch(rank: .native, block: Self.flavorName) }
        if model.flavor(named: MLModelFlavor.pythonFunction)?.string("loader_module") == Self.loaderModule {
            return FlavorMatch(rank: .emulated, block: MLModelFlavor.pythonFunction)
        }
        return nil
    }

    /// The embedded model directory named by `python_function.data` (MLflow's default otherwise).
    static func dataDirectory(_ model: MLModel, in directory: URL) throws -> URL {
        let relative = model.flavor(named: MLModelFlavor.pythonFunction)?.string("data") ?? dataPath
        let url = try ModelDirectory(directory).resolve(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FlavorError.missingFile(path: relative, referencedBy: "MLmodel flavors.python_function.data")
        }
        return url
    }

    public func load(_ model: MLModel, from directory: URL, options: LoadOptions) throws -> any LoadedModel {
        let data = try Self.dataDirectory(model, in: directory)
        let encoder = try SentenceTransformer.load(directory: data, options: options)
        let signature = try model.parsedSignature
        let task = model.metadata?["task"]?.stringValue
            ?? model.flavor(named: MLModelFlavor.pythonFunction)?.config["config"]?.mappingValue?["task"]?.stringValue
        return SentenceTransformersModel(encoder: encoder, signature: signature, task: task)
    }

    /// `modules.json` (SentenceTransformer(path) reads it first), then the configuration and
    /// weights header of the embedded directory. A missing directory is reported by the
    /// validator's embedded-model check (``embeddedModels(in:)``).
    public func validate(_ model: MLModel, in directory: ModelDirectory) -> [ValidationFinding] {
        guard let data = embeddedModels(in: model).first?.path, directory.kind(of: data) == .directory else { return [] }
        var findings: [ValidationFinding] = []
        let modules = data + "/modules.json"
        if directory.kind(of: modules) != .file {
            findings.append(ValidationFinding(.error, modules, "not found: SentenceTransformer(path) reads it first"))
        }
        return findings + EmbeddingValidation.findings(forEmbeddedModel: { try Self.dataDirectory(model, in: directory.root) }, in: directory)
    }

    public func save(_ request: SaveRequest, into staging: URL) throws -> SavedFlavorContent {
        let source = try EmbeddingSource.resolve(request.source, registry: request.registry)
        let data = staging.appendingPathComponent(Self.dataPath)
        try SentenceTransformerFiles.copy(from: source.directory, to: data)
        // Load what was copied: proves the directory is usable before anything is renamed into place.
        let encoder = try SentenceTransformer.load(directory: data, threads: 1)
        let stVersion = Self.sentenceTransformersVersion(in: data) ?? "6.2.0"

        var st: YAMLMapping = [
            "code": .null,
            "sentence_transformers_version": .string(stVersion),
            "source_model_name": .string(source.name),
        ]
        if let modelClass = SentenceTransformerFiles.modelClass(in: data) { st["pipeline_model_type"] = .string(modelClass) }
        let pyfunc: YAMLMapping = [
            "data": .string(Self.dataPath),
            "env": .mapping(["conda": .string(CondaEnvironment.fileName), "virtualenv": .string(PythonEnvironment.fileName)]),
            "loader_module": .string(Self.loaderModule),
            "python_version": .string(ModelSaver.defaultPythonTools.python),
        ]
        let signature = try Self.signature(for: request.inputExample, encoder: encoder)
        return SavedFlavorContent(
            flavors: [MLModelFlavor(name: MLModelFlavor.pythonFunction, config: pyfunc), MLModelFlavor(name: Self.flavorName, config: st)],
            signature: signature,
            defaultPipRequirements: Self.savePipRequirements)
    }

    /// The sentence-transformers version recorded in `config_sentence_transformers.json`, if any.
    static func sentenceTransformersVersion(in directory: URL) -> String? {
        guard let object = (try? readModelJSON(directory.appendingPathComponent("config_sentence_transformers.json"))) as? [String: Any],
            let versions = object["__version__"] as? [String: Any]
        else { return nil }
        return versions["sentence_transformers"] as? String
    }

    /// MLflow's choice: without an example, the flavor's default signature (inputs string, outputs
    /// float64 `[-1]`); with one, `infer_signature(example, model.predict(example), params)`.
    static func signature(for example: InputExample?, encoder: SentenceTransformer) throws -> ModelSignature {
        guard let example else {
            return ModelSignature(
                inputs: try Schema(columns: [ColSpec(type: .scalar(.string))]),
                outputs: try Schema(tensors: [TensorSpec(dtype: .float64, shape: [-1])]))
        }
        let model = SentenceTransformersModel(encoder: encoder, signature: nil, task: nil)
        let input = example.modelInput
        let output = try model.predict(input, params: example.params ?? JSONObject())
        let params = example.params.map { $0.members.map { SampleValue.DictEntry($0.key, SampleValue(json: $0.value)) } }
        return try SignatureInference.infer(input: example.sample, output: output.sample, params: params).signature
    }
}
