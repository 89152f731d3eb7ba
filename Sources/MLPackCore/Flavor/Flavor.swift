import Foundation

/// A model flavor: how models of one kind are recognised, loaded, run and saved.
///
/// Flavors are plugins. Each lives in its own module under `Plugins/`, imports only `MLPackCore`
/// (and the shared tokenizer/encoder modules), and is made known to the process once, at start-up,
/// with ``FlavorRegistry/bootstrap(_:)``. Core never imports a flavor.
///
/// Implementation requirements:
/// - ``name`` is the flavor block key the flavor writes into `MLmodel` (`flavors: {<name>: …}`).
/// - ``recognize(_:in:)`` only reads the parsed `MLmodel` (and may look at files in the model
///   directory); it returns how well this flavor can run the model natively, or `nil`.
///   A block the flavor wrote itself ranks ``FlavorMatch/Rank/native``; a Python flavor it can
///   emulate ranks ``FlavorMatch/Rank/emulated``.
/// - ``load(_:from:options:)`` reads the weights and returns a ready ``LoadedModel``. Errors name
///   the file and key at fault.
/// - ``save(_:into:)`` writes the flavor's files into an empty staging directory and describes the
///   model; ``ModelSaver`` does the rest (env files, input example, `MLmodel`, atomic rename).
public protocol Flavor: Sendable {
    /// The flavor block key (for example `sentence_transformers`, `similarity`).
    var name: String { get }
    /// One line for `mlpack flavors`.
    var summary: String { get }
    /// The Python loader modules (`python_function.loader_module`) this flavor runs natively.
    var emulatedPythonLoaders: [String] { get }
    /// Whether this flavor can load the model, and how well.
    func recognize(_ model: MLModel, in directory: URL) -> FlavorMatch?
    /// Loads the model in `directory` (whose parsed `MLmodel` is `model`).
    func load(_ model: MLModel, from directory: URL, options: LoadOptions) throws -> any LoadedModel
    /// Writes the flavor's files for `request` into `staging` (an empty directory) and returns
    /// what goes into `MLmodel`.
    func save(_ request: SaveRequest, into staging: URL) throws -> SavedFlavorContent
    /// Flavor-specific checks for `mlpack validate` (weights headers, config files); none by default.
    func validate(_ model: MLModel, in directory: ModelDirectory) -> [ValidationFinding]
}

extension Flavor {
    public func validate(_ model: MLModel, in directory: ModelDirectory) -> [ValidationFinding] { [] }
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

    public init(threads: Int = 1) {
        self.threads = max(1, threads)
    }
}
