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

extension ModelInput {
    /// Rows the model will run: a table's rows, an array's first dimension (the largest among named
    /// arrays), a list's length, else 1. A server's batcher counts these toward its batch size.
    public var rowCount: Int {
        switch self {
        case .table(let table): return max(1, table.rowCount)
        case .tensor(let tensor): return max(1, tensor.shape.first ?? 1)
        case .namedTensors(let tensors): return max(1, tensors.map { $0.tensor.shape.first ?? 1 }.max() ?? 1)
        case .value(.array(let items)): return max(1, items.count)
        case .value: return 1
        }
    }
}
