/// What a loaded model's `predict` returns.
public enum PredictionOutput: Sendable, Hashable {
    /// A numpy ndarray: served as its nested `tolist()` (float32 printed with float64 repr).
    case tensor(Tensor)
    /// A DataFrame: served as `to_dict(orient="records")`.
    case table(Table)
    /// Any other JSON-able value (dict, list, str, number), served as it is.
    case value(JSONValue)

    /// The JSON value MLflow's scoring server puts under `"predictions"`.
    public var json: JSONValue {
        switch self {
        case .tensor(let t): return t.json
        case .table(let t): return t.recordsJSON
        case .value(let v): return v
        }
    }
}
