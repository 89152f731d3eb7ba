import Foundation

/// A model flavor: how models of one kind are recognised, loaded, run, saved, packed and checked.
///
/// Flavors are plugins. Each lives in its own module under `Plugins/`, imports only `MLPackCore`
/// (and the shared tokenizer/encoder modules), and is made known to the process once, at start-up,
/// with ``FlavorRegistry/bootstrap(_:)``. Core never imports a flavor and never names one: whatever
/// core, the packager or the validator needs to know about a flavor, they ask the registry, which
/// asks the flavors through the hooks below.
///
/// Implementation requirements:
/// - ``name`` is the flavor block key the flavor writes into `MLmodel` (`flavors: {<name>: …}`).
/// - ``recognize(_:in:)`` only reads the parsed `MLmodel` (and may look at files in the model
///   directory); it returns how well this flavor can run the model natively, or `nil`.
///   A block the flavor wrote itself ranks ``FlavorMatch/Rank/native``; a Python flavor it can
///   emulate ranks ``FlavorMatch/Rank/emulated``.
/// - ``load(_:from:options:)`` reads the weights and returns a ready ``LoadedModel``. Errors name
///   the file and key at fault. The signature is ``MLModel/parsedSignature`` (parsed once).
/// - ``save(_:into:)`` writes the flavor's files into an empty staging directory and describes the
///   model; ``ModelSaver`` does the rest (env files, input example, `MLmodel`, atomic rename).
///
/// Hooks with defaults (a flavor overrides what applies to it):
/// - ``pythonLoaders``: the `python_function.loader_module`s the flavor knows (runs, or explains).
/// - ``defaultPipRequirements(for:)``: what the packager writes into a missing `requirements.txt`.
/// - ``embeddedModels(in:)``: model directories embedded in a model (the save-source resolver and
///   the validator read them).
/// - ``validate(_:in:)``: flavor-specific checks for `mlpack validate`.
/// - ``nativeSupport``: what the flavor runs natively within its models (for example encoder
///   architectures and tokenizer types), for `mlpack flavors`.
public protocol Flavor: Sendable {
    /// The flavor block key (for example `sentence_transformers`, `similarity`).
    var name: String { get }
    /// One line for `mlpack flavors`.
    var summary: String { get }
    /// The Python loader modules (`python_function.loader_module`) this flavor knows about: those it
    /// runs natively, and those it recognises only to explain why they are Python-only. None by default.
    var pythonLoaders: [PythonLoader] { get }
    /// Whether this flavor can load the model, and how well.
    func recognize(_ model: MLModel, in directory: URL) -> FlavorMatch?
    /// Loads the model in `directory` (whose parsed `MLmodel` is `model`).
    func load(_ model: MLModel, from directory: URL, options: LoadOptions) throws -> any LoadedModel
    /// Writes the flavor's files for `request` into `staging` (an empty directory) and returns
    /// what goes into `MLmodel`.
    func save(_ request: SaveRequest, into staging: URL) throws -> SavedFlavorContent
    /// Flavor-specific checks for `mlpack validate` (weights headers, config files); none by default.
    /// Called for the flavor the registry resolves the model to.
    func validate(_ model: MLModel, in directory: ModelDirectory) -> [ValidationFinding]
    /// The pip requirements a Python environment needs for `model`, which carries this flavor's
    /// block (MLflow's `get_default_pip_requirements`, unpinned): the packager writes them into a
    /// missing `requirements.txt`. `nil` (the default) when the flavor has no opinion.
    func defaultPipRequirements(for model: MLModel) -> [String]?
    /// The model directories embedded in `model` that this flavor reads (relative paths, with the
    /// `MLmodel` key naming each); empty (the default) when there are none or the flavor does not
    /// recognise the model's layout.
    func embeddedModels(in model: MLModel) -> [EmbeddedModel]
    /// What the flavor runs natively among the models it recognises (for example the encoder
    /// architectures and tokenizer types of an embedding flavor), for `mlpack flavors`; none by default.
    var nativeSupport: [FlavorCapability] { get }
}

extension Flavor {
    public var pythonLoaders: [PythonLoader] { [] }
    public func validate(_ model: MLModel, in directory: ModelDirectory) -> [ValidationFinding] { [] }
    public func defaultPipRequirements(for model: MLModel) -> [String]? { nil }
    public func embeddedModels(in model: MLModel) -> [EmbeddedModel] { [] }
    public var nativeSupport: [FlavorCapability] { [] }

    /// The loader modules this flavor runs natively, for `mlpack flavors` (a note on which models
    /// when it runs only some).
    public var emulatedPythonLoaders: [String] {
        pythonLoaders.compactMap { loader in
            switch loader.native {
            case .all: return loader.module
            case .some(let which): return "\(loader.module) (\(which))"
            case .none: return nil
            }
        }
    }
}

/// One list of what a flavor runs natively (``Flavor/nativeSupport``), for `mlpack flavors`.
public struct FlavorCapability: Sendable, Hashable {
    /// The key in `mlpack flavors --json`'s `native_support` object (for example `architectures`).
    public var key: String
    /// What the values are, for the text listing (for example "architectures (config.json model_type)").
    public var label: String
    /// The supported values, as the model's files spell them.
    public var values: [String]

    public init(key: String, label: String, values: [String]) {
        self.key = key
        self.label = label
        self.values = values
    }
}

/// A Python loader module (`flavors.python_function.loader_module` of `MLmodel`) a flavor knows.
public struct PythonLoader: Sendable, Hashable {
    /// Which models with this loader the flavor runs natively.
    public enum NativeSupport: Sendable, Hashable {
        /// Every model with this loader.
        case all
        /// Only some (the text says which, for `mlpack flavors`).
        case some(String)
        /// None: the flavor only knows what the loader needs and why it is Python-only.
        case none
    }

    /// An entry of the model directory that the Python loader reads, named by a `python_function` key.
    public struct Entry: Sendable, Hashable {
        /// The `python_function` key holding the path (for example `python_model`).
        public var key: String
        public var kind: ModelDirectory.EntryKind
        /// Whether the loader fails without the key.
        public var required: Bool
        /// What the entry is, for messages (for example "the pickled model").
        public var purpose: String
        /// The key keeps the path the file had when saved, and the model directory holds the file
        /// at its root under its last path component (MLflow's models from code).
        public var atRootByFileName: Bool

        public init(key: String, kind: ModelDirectory.EntryKind, required: Bool, purpose: String, atRootByFileName: Bool = false) {
            self.key = key
            self.kind = kind
            self.required = required
            self.purpose = purpose
            self.atRootByFileName = atRootByFileName
        }

        /// The path inside the model directory for the key's value.
        public func relativePath(for value: String) -> String {
            atRootByFileName ? (value.split(separator: "/").last.map(String.init) ?? value) : value
        }
    }

    /// The module name as written in `loader_module`.
    public var module: String
    public var native: NativeSupport
    /// Why a model with this loader that no flavor takes is Python-only (for load errors and
    /// `mlpack validate`), or nil for the generic explanation.
    public var pythonOnlyReason: String?
    /// What the loader reads from the model directory (`mlpack validate` checks they exist).
    public var entries: [Entry]

    public init(module: String, native: NativeSupport, pythonOnlyReason: String? = nil, entries: [Entry] = []) {
        self.module = module
        self.native = native
        self.pythonOnlyReason = pythonOnlyReason
        self.entries = entries
    }
}

/// A model directory embedded in a model (for example a sentence-transformers directory).
public struct EmbeddedModel: Sendable, Hashable {
    /// The directory, relative to the model root.
    public var path: String
    /// The `MLmodel` key path naming it, for messages (`flavors.python_function.data`).
    public var key: String
    /// The name the embedded model was saved from (`source_model_name`), when recorded.
    public var sourceName: String?

    public init(path: String, key: String, sourceName: String? = nil) {
        self.path = path
        self.key = key
        self.sourceName = sourceName
    }
}

/// How well a flavor can run a model.
public struct FlavorMatch: Sendable, Hashable, Comparable {
    public enum Rank: Int, Sendable, Hashable, Comparable {
        /// The flavor can run a Python flavor block natively (for example `mlflow.sentence_transformers`).
        case emulated = 1
        /// The model carries this flavor's own block.
        case native = 2
        public static func < (a: Rank, b: Rank) -> Bool { a.rawValue < b.rawValue }
    }

    public var rank: Rank
    /// The flavor block the flavor will read (for messages: "loaded through <block>").
    public var block: String

    public init(rank: Rank, block: String) {
        self.rank = rank
        self.block = block
    }

    public static func < (a: FlavorMatch, b: FlavorMatch) -> Bool { a.rank < b.rank }
}

/// Options for ``Flavor/load(_:from:options:)``.
public struct LoadOptions: Sendable, Hashable {
    /// Threads the model may use for one predict call (the encoder's GEMMs).
    public var threads: Int
    /// The arithmetic of the model's encoder (flavors without one ignore it). A load-time choice:
    /// the model's files stay as saved.
    public var precision: Precision

    /// `threads` defaults to every CPU this process may use (``AvailableCPUs``).
    public init(threads: Int? = nil, precision: Precision = .fp32) {
        self.threads = max(1, threads ?? AvailableCPUs.count)
        self.precision = precision
    }
}
