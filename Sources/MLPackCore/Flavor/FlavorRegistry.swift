import Foundation
import Synchronization

/// A list of flavors, and the process-wide one set once at start-up (like swift-log's `LoggingSystem`).
///
/// ```swift
/// FlavorRegistry.bootstrap([SentenceTransformersFlavor(), SimilarityFlavor()])   // once, in main
/// let loaded = try FlavorRegistry.shared.load(directory: url)
/// ```
///
/// Code that needs a registry takes one as a parameter (defaulting to ``shared``); tests build their
/// own with ``init(_:)`` instead of bootstrapping.
public final class FlavorRegistry: Sendable {
    private let flavors: [any Flavor]

    /// A registry holding `flavors`, in registration order.
    public init(_ flavors: [any Flavor]) {
        self.flavors = flavors
    }

    private static let storage = Mutex<FlavorRegistry?>(nil)

    /// Registers the process's flavors. Call it once, before any model is loaded (the `mlpack`
    /// command does, at start-up); a second call is a programming error and stops the process.
    public static func bootstrap(_ flavors: [any Flavor]) {
        storage.withLock { registry in
            if let registry {
                preconditionFailure(
                    "FlavorRegistry.bootstrap may only be called once per process (flavors already registered: "
                        + "\(registry.flavors.map(\.name).joined(separator: ", "))); pass a FlavorRegistry instance instead")
            }
            registry = FlavorRegistry(flavors)
        }
    }

    /// The registry set by ``bootstrap(_:)`` (empty if none was yet).
    public static var shared: FlavorRegistry {
        storage.withLock { $0 } ?? FlavorRegistry([])
    }

    /// All registered flavors.
    public var all: [any Flavor] { flavors }

    /// The flavor registered under `name`.
    public func flavor(named name: String) -> (any Flavor)? {
        flavors.first { $0.name == name }
    }

    /// The registered flavors whose own block `model` carries, in registration order.
    package func flavors(carriedBy model: MLModel) -> [any Flavor] {
        flavors.filter { model.flavor(named: $0.name) != nil }
    }

    /// What the first registered flavor that knows `module` says about it.
    package func pythonLoader(_ module: String) -> PythonLoader? {
        for flavor in flavors {
            if let loader = flavor.pythonLoaders.first(where: { $0.module == module }) { return loader }
        }
        return nil
    }

    /// The default pip requirements of the flavors whose block `model` carries, in registration
    /// order without repeats; nil when none of them has an opinion.
    package func defaultPipRequirements(for model: MLModel) -> [String]? {
        var answered = false
        var result: [String] = []
        for flavor in flavors(carriedBy: model) {
            guard let requirements = flavor.defaultPipRequirements(for: model) else { continue }
            answered = true
            for r in requirements where !result.contains(r) { result.append(r) }
        }
        return answered ? result : nil
    }

    /// The embedded model directories registered flavors read in `model`, each with the flavor
    /// reading it, in registration order.
    package func embeddedModels(in model: MLModel) -> [(flavor: any Flavor, model: EmbeddedModel)] {
        flavors.flatMap { flavor in flavor.embeddedModels(in: model).map { (flavor, $0) } }
    }

    /// The flavor that can run `model` best: the highest ``FlavorMatch`` (native blocks before
    /// emulated Python blocks), the earlier registration on ties.
    public func resolve(_ model: MLModel, in directory: URL) throws(FlavorError) -> (any Flavor, FlavorMatch) {
        var best: (any Flavor, FlavorMatch)?
        for flavor in flavors {
            guard let match = flavor.recognize(model, in: directory) else { continue }
            if best == nil || best!.1 < match { best = (flavor, match) }
        }
        if let best { return best }
        throw FlavorError.notLoadable(
            directory: directory.path, flavors: model.flavors.map(\.name),
            reason: unsupportedReason(model))
    }

    /// A model loaded through the registry: its `MLmodel`, the flavor chosen and the ready model.
    public struct Loaded: Sendable {
        public var directory: URL
        public var model: MLModel
        public var flavor: any Flavor
        public var match: FlavorMatch
        public var loaded: any LoadedModel
    }

    /// Parses `directory/MLmodel`, picks the flavor (``resolve(_:in:)``) and loads the model.
    public func load(directory: URL, options: LoadOptions = LoadOptions()) throws -> Loaded {
        let model = try MLModel.load(from: directory.appendingPathComponent(MLModel.fileName))
        let (flavor, match) = try resolve(model, in: directory)
        let loaded = try flavor.load(model, from: directory, options: options)
        return Loaded(directory: directory, model: model, flavor: flavor, match: match, loaded: loaded)
    }

    /// Why no flavor took the model: a Python-only `loader_module` is named, with what the
    /// registered flavors know about it.
    package func unsupportedReason(_ model: MLModel) -> String {
        if let pyfunc = model.flavor(named: MLModelFlavor.pythonFunction),
            let loader = pyfunc.string("loader_module")
        {
            let reason = "its python_function loader_module \(loader) is a Python-only flavor, not loadable natively"
            if let known = pythonLoader(loader)?.pythonOnlyReason { return reason + ": " + known }
            return reason
        }
        return "no registered flavor recognises its flavor blocks"
    }
}

/// Errors of flavor resolution and loading shared by all flavors.
public enum FlavorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No registered flavor can run the model.
    case notLoadable(directory: String, flavors: [String], reason: String)
    /// A flavor block is missing a key or has a wrong value.
    case invalidBlock(file: String, key: String, expected: String)
    /// A file the flavor block references is missing.
    case missingFile(path: String, referencedBy: String)
    /// The input does not fit what the model accepts.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .notLoadable(let directory, let flavors, let reason):
            let list = flavors.isEmpty ? "no flavors" : "flavors [\(flavors.joined(separator: ", "))]"
            return "\(directory): model with \(list) cannot be loaded: \(reason)"
        case .invalidBlock(let file, let key, let expected):
            return "\(file): key '\(key)': expected \(expected)"
        case .missingFile(let path, let referencedBy):
            return "\(path): file not found (referenced by \(referencedBy))"
        case .invalidInput(let message):
            return message
        }
    }
}
