import Foundation
import MLPackBERT
import MLPackCore
import MLPackEmbedding

/// The `similarity` flavor: the cosine similarity of sentence pairs, with a sentence-transformers
/// model as the encoder — the MLflow tutorial's `SimilarityModel`, done natively.
///
/// A saved model carries mlpack's `similarity` block and a `python_function` block that Python
/// MLflow loads as a model from code (`similarity_model.py`, no pickle). The tutorial's own pickled
/// model (`loader_module: mlflow.pyfunc.model` with a sentence-transformers artifact and two string
/// inputs) is recognised and served natively too, without unpickling anything.
public struct SimilarityFlavor: Flavor {
    public init() {}

    public static let flavorName = "similarity"
    /// The block key naming the embedded sentence-transformers directory.
    public static let embeddingModelKey = "embedding_model"
    public static let artifactPath = "artifacts/sbert_model"
    public static let artifactName = "model_path"
    public static let codeLoader = "mlflow.pyfunc.loaders.code_model"
    public static let pickleLoader = "mlflow.pyfunc.model"
    /// What `save` writes into `requirements.txt`, and what `mlpack pack` writes when it is missing.
    public static let pipRequirements = ["sentence_transformers", "numpy"]

    public var name: String { Self.flavorName }
    public var summary: String { "cosine similarity of sentence pairs over a sentence-transformers model (MLflow's SimilarityModel tutorial)" }
    /// The encoder architectures and tokenizer types of the embedded model run natively.
    public var nativeSupport: [FlavorCapability] { EncoderSupport.capabilities }

    public var pythonLoaders: [PythonLoader] {
        [
            PythonLoader(
                module: Self.pickleLoader, native: .some("the tutorial's SimilarityModel"),
                pythonOnlyReason: "a pickled Python model, and mlpack never unpickles (it runs only the tutorial's SimilarityModel layout natively)",
                entries: [.init(key: "python_model", kind: .file, required: false, purpose: "the pickled model")]),
            PythonLoader(
                module: Self.codeLoader, native: .some("similarity models mlpack saved"),
                pythonOnlyReason: "a model from Python code (mlpack runs it natively only when the model carries a similarity block)",
                entries: [.init(
                    key: "model_code_path", kind: .file, required: true, purpose: "the source file name of the model from code",
                    atRootByFileName: true)]),
        ]
    }

    public func defaultPipRequirements(for model: MLModel) -> [String]? { Self.pipRequirements }

    public func recognize(_ model: MLModel, in directory: URL) -> FlavorMatch? {
        if model.flavor(named: Self.flavorName) != nil { return FlavorMatch(rank: .native, block: Self.flavorName) }
        if tutorialArtifact(model, in: directory) != nil { return FlavorMatch(rank: .emulated, block: MLModelFlavor.pythonFunction) }
        return nil
    }

    /// The tutorial's layout in `MLmodel`: a pickled PythonModel with a `model_path` artifact
    /// whose signature takes exactly two string columns; returns the artifact's path.
    func tutorialLayout(_ model: MLModel) -> String? {
        guard let pyfunc = model.flavor(named: MLModelFlavor.pythonFunction),
            pyfunc.string("loader_module") == Self.pickleLoader,
            let path = pyfunc.config["artifacts"]?.mappingValue?[Self.artifactName]?.mappingValue?["path"]?.stringValue,
            let signature = try? model.parsedSignature,
            let inputs = signature.inputs, !inputs.isTensorSpec, inputs.columns.count == 2,
            inputs.columns.allSatisfy({ $0.type == .scalar(.string) })
        else { return nil }
        return path
    }

    /// The tutorial's layout whose `model_path` artifact is a sentence-transformers directory.
    func tutorialArtifact(_ model: MLModel, in directory: URL) -> String? {
        guard let path = tutorialLayout(model),
            let url = try? ModelDirectory(directory).resolve(path),
            FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path)
        else { return nil }
        return path
    }

    /// The embedded sentence-transformers directory: the block's `embedding_model`, or the
    /// tutorial's `model_path` artifact.
    public func embeddedModels(in model: MLModel) -> [EmbeddedModel] {
        if let block = model.flavor(named: Self.flavorName) {
            guard let path = block.string(Self.embeddingModelKey) else { return [] }
            return [EmbeddedModel(path: path, key: "flavors.\(Self.flavorName).\(Self.embeddingModelKey)", sourceName: block.string("source_model_name"))]
        }
        if let path = tutorialLayout(model) {
            return [EmbeddedModel(path: path, key: "flavors.\(MLModelFlavor.pythonFunction).artifacts.\(Self.artifactName).path")]
        }
        return []
    }

    /// The embedded sentence-transformers directory (relative path) and whether the model is the
    /// tutorial's pickled one.
    func embeddedModel(_ model: MLModel, in directory: URL) throws -> (path: String, tutorial: Bool) {
        if let block = model.flavor(named: Self.flavorName) {
            guard let path = block.string(Self.embeddingModelKey) else {
                throw FlavorError.invalidBlock(
                    file: "MLmodel", key: "flavors.\(Self.flavorName).\(Self.embeddingModelKey)", expected: "the relative path of the embedding model")
            }
            if let score = block.string("score"), score != "cosine" {
                throw FlavorError.invalidBlock(file: "MLmodel", key: "flavors.\(Self.flavorName).score", expected: "cosine, found \(score.prefix(40))")
            }
            return (path, false)
        }
        if let path = tutorialArtifact(model, in: directory) { return (path, true) }
        throw FlavorError.invalidBlock(file: "MLmodel", key: "flavors", expected: "a similarity block or the tutorial's python_function layout")
    }

    public func load(_ model: MLModel, from directory: URL, options: LoadOptions) throws -> any LoadedModel {
        let (path, tutorial) = try embeddedModel(model, in: directory)
        let url = try ModelDirectory(directory).resolve(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FlavorError.missingFile(path: path, referencedBy: "MLmodel")
        }
        let encoder = try SentenceTransformer.load(directory: url, options: options)
        let signature = try model.parsedSignature
        if let inputs = signature?.inputs, inputs.isTensorSpec || inputs.count != 2 {
            throw FlavorError.invalidBlock(file: "MLmodel", key: "signature.inputs", expected: "two string columns for a similarity model, found \(inputs.pythonRepr.prefix(120))")
        }
        return SimilarityModel(encoder: encoder, signature: signature, scalarForSinglePair: tutorial)
    }

    /// The block's `score`, and the embedded model's configuration and weights header. A missing
    /// directory is reported by the validator's embedded-model check (``embeddedModels(in:)``).
    public func validate(_ model: MLModel, in directory: ModelDirectory) -> [ValidationFinding] {
        if let path = embeddedModels(in: model).first?.path, directory.kind(of: path) != .directory { return [] }
        return EmbeddingValidation.findings(forEmbeddedModel: { try directory.resolve(try embeddedModel(model, in: directory.root).path) }, in: directory)
    }

    /// The tutorial's input example, used when `save` is given none.
    public static let tutorialExample: InputExample = {
        let table = try! Table(
            names: [.string("sentence_1"), .string("sentence_2")],
            columns: [Column(.string(["I like apples"])), Column(.string(["I like oranges"]))], rowCount: 1)
        return InputExample(data: .dataframe(table))
    }()

    public func save(_ request: SaveRequest, into staging: URL) throws -> SavedFlavorContent {
        let source = try EmbeddingSource.resolve(request.source, registry: request.registry)
        let artifact = staging.appendingPathComponent(Self.artifactPath)
        try SentenceTransformerFiles.copy(from: source.directory, to: artifact)
        try Data(SimilarityModelSource.text.utf8).write(to: staging.appendingPathComponent(SimilarityModelSource.fileName))
        let encoder = try SentenceTransformer.load(directory: artifact, threads: 1)

        // The signature is inferred from the example and the model's own prediction on it, as the
        // tutorial's `infer_signature(input_example, model.predict(input_example))` does.
        let example = request.inputExample ?? Self.tutorialExample
        let model = SimilarityModel(encoder: encoder, signature: nil, scalarForSinglePair: false)
        let output = try model.predict(example.modelInput, params: JSONObject())
        let signature = try SignatureInference.infer(input: example.sample, output: output.sample).signature

        let block: YAMLMapping = [
            Self.embeddingModelKey: .string(Self.artifactPath),
            "embedding_dimension": .int(encoder.dimension),
            "max_seq_length": .int(encoder.maxSeqLength),
            "mlpack_version": .string(MLPack.version),
            "normalize": .bool(encoder.normalizesOutput),
            "pooling": .string(encoder.pooling.modes.map(\.rawValue).joined(separator: "+")),
            "score": "cosine",
            "source_model_name": .string(source.name),
        ]
        let pyfunc: YAMLMapping = [
            "artifacts": .mapping([
                Self.artifactName: .mapping(["path": .string(Self.artifactPath), "uri": .string(source.directory.path)]),
            ]),
            "code": .null,
            "env": .mapping(["conda": .string(CondaEnvironment.fileName), "virtualenv": .string(PythonEnvironment.fileName)]),
            "loader_module": .string(Self.codeLoader),
            "model_code_path": .string(SimilarityModelSource.fileName),
            "python_version": .string(ModelSaver.defaultPythonTools.python),
            "streamable": false,
        ]
        return SavedFlavorContent(
            flavors: [MLModelFlavor(name: MLModelFlavor.pythonFunction, config: pyfunc), MLModelFlavor(name: Self.flavorName, config: block)],
            signature: signature,
            defaultPipRequirements: Self.pipRequirements,
            defaultInputExample: request.inputExample == nil ? Self.tutorialExample : nil)
    }
}
