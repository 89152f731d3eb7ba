import Foundation

/// What `mlpack save` asks a flavor to save.
public struct SaveRequest: Sendable {
    /// A directory path or a model name (resolved by the flavor, e.g. through the Hugging Face cache).
    public var source: String
    /// The input example the user gave, if any.
    public var inputExample: InputExample?
    /// Replaces the flavor's default pip requirements (MLflow's `pip_requirements`).
    public var pipRequirements: [String]?
    /// Added to the default pip requirements (MLflow's `extra_pip_requirements`).
    public var extraPipRequirements: [String]
    /// `metadata` entries for `MLmodel`.
    public var metadata: [(String, String)]
    /// The flavors that read a source which is itself a model directory (they find the model
    /// embedded in it, see ``Flavor/embeddedModels(in:)``).
    public var registry: FlavorRegistry

    public init(
        source: String, inputExample: InputExample? = nil, pipRequirements: [String]? = nil,
        extraPipRequirements: [String] = [], metadata: [(String, String)] = [], registry: FlavorRegistry = .shared
    ) {
        self.source = source
        self.inputExample = inputExample
        self.pipRequirements = pipRequirements
        self.extraPipRequirements = extraPipRequirements
        self.metadata = metadata
        self.registry = registry
    }
}

/// What a flavor's `save` produced, for ``ModelSaver`` to finish the directory.
public struct SavedFlavorContent: Sendable {
    /// Flavor blocks for `MLmodel` (mlpack's own and `python_function`), in order.
    public var flavors: [MLModelFlavor]
    /// The signature (inferred from the input example, or the flavor's default).
    public var signature: ModelSignature?
    /// The flavor's default pip requirements (before the user's replacements/additions).
    public var defaultPipRequirements: [String]
    /// Extra `metadata` entries the flavor sets (e.g. `task`).
    public var metadata: [(String, String)]
    /// The input example to save when the request had none but the flavor inferred the signature
    /// from a default example (saved so the signature's origin stays visible).
    public var defaultInputExample: InputExample?

    public init(
        flavors: [MLModelFlavor], signature: ModelSignature?, defaultPipRequirements: [String],
        metadata: [(String, String)] = [], defaultInputExample: InputExample? = nil
    ) {
        self.flavors = flavors
        self.signature = signature
        self.defaultPipRequirements = defaultPipRequirements
        self.metadata = metadata
        self.defaultInputExample = defaultInputExample
    }
}
