import Foundation
import Synchronization

/// The process-wide list of flavors, set once at start-up (like swift-log's `LoggingSystem`).
///
/// ```swift
/// FlavorRegistry.bootstrap([SentenceTransformersFlavor(), SimilarityFlavor()])
/// let model = try FlavorRegistry.shared.load(directory: url)
/// ```
public final class FlavorRegistry: Sendable {
    private let flavors: [any Flavor]

    /// A registry holding `flavors`, in registration order.
    public init(_ flavors: [any Flavor]) {
        self.flavors = flavors
    }

    private static let storage = Mutex<FlavorRegistry?>(nil)

    /// Registers the process's flavors. Call once, before any model is loaded; a second call
    /// replaces the list (tests use this).
    public static func bootstrap(_ flavors: [any Flavor]) {
        storage.withLock { $0 = FlavorRegistry(flavors) }
    }

    /// The registry set by ``bootstrap(_:)`` (empty if none was).
    public static var shared: FlavorRegistry {
        storage.withLock { registry in
            if let registry { return registry }
            let empty = FlavorRegistry([])
            registry = empty
            return empty
        }
    }

    /// All registered flavors.
    public var all: [any Flavor] { flavors }

    /// The flavor registered under `name`.
    public func flavor(named name: String) -> (any Flavor)? {
        flavors.first { $0.name == name }
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
            reason: Self.unsupportedReason(model))
    }

    /// Parses `directory/MLmodel`, picks the flavor and loads the model.
    public func load(directory: URL, options: LoadOptions = LoadOptions()) throws -> any LoadedModel {
        let model = try MLModel.load(from: directory.appendingPathComponent(MLModel.fileName))
        let (flavor, _) = try resolve(model, in: directory)
        return try flavor.load(model, from: directory, options: options)
    }

    /// Why no flavor took the model: names Python-only flavors explicitly.
    static func unsupportedReason(_ model: MLModel) -> String {
        if let pyfunc = model.flavor(named: MLModelFlavor.pythonFunction),
            let loader = pyfunc.string("loader_module")
        {
            if loader == "mlflow.pyfunc.model" {
                return "its python_function flavor is a pickled Python model (loader_module mlflow.pyfunc.model): "
                    + "Python-only flavor, not loadable natively (mlpack never unpickles)"
            }
            return "its python_function loader_module \(loader) is a Python-only flavor, not loadable natively"
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
