/// What a loaded model's `predict` receives, after schema enforcement: the Swift counterpart of the
/// Python objects MLflow hands a pyfunc model.
public enum ModelInput: Sendable, Hashable {
    /// A pandas DataFrame (`dataframe_split`, `dataframe_records`, CSV, JSON Lines, or `inputs`
    /// converted for a column-based signature).
    case table(Table)
    /// A numpy ndarray (tensor-based signature, unnamed).
    case tensor(Tensor)
    /// A dict of numpy ndarrays (tensor-based signature with names), in request order.
    case namedTensors([NamedTensor])
    /// A plain Python value (list, dict, str, number): `inputs`/`instances` for a model without a
    /// signature, or a unified-LLM body.
    case value(JSONValue)

    /// One entry of ``ModelInput/namedTensors(_:)``.
    public struct NamedTensor: Sendable, Hashable {
        public var name: String
        public var tensor: Tensor
        public init(name: String, tensor: Tensor) {
            self.name = name
            self.tensor = tensor
        }
    }
}
