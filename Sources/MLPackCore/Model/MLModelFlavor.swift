import MLPackYAML

/// One entry of the `flavors` block: the flavor's name and its configuration mapping, with
/// every key kept (unknown keys survive a read/write round trip).
public struct MLModelFlavor: Sendable, Hashable {
    /// The flavor name, e.g. `python_function`, `sentence_transformers`.
    public var name: String
    /// The flavor's keys, in file order.
    public var config: YAMLMapping

    public init(name: String, config: YAMLMapping) {
        self.name = name
        self.config = config
    }

    /// The name of the pyfunc flavor every MLflow-loadable model carries.
    public static let pythonFunction = "python_function"

    /// A string-valued key of the configuration, if present and a string.
    public func string(_ key: String) -> String? { config[key]?.stringValue }
}
