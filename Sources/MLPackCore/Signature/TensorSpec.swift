/// One tensor of a tensor-based schema (`mlflow.types.TensorSpec`).
public struct TensorSpec: Sendable, Hashable {
    /// The tensor name; `nil` for a single unnamed tensor.
    public var name: ColumnName?
    /// The element dtype.
    public var dtype: NumpyDType
    /// The shape; `-1` marks a variable dimension.
    public var shape: [Int]

    public init(dtype: NumpyDType, shape: [Int], name: ColumnName? = nil) {
        self.dtype = dtype
        self.shape = shape
        self.name = name
    }

    /// The dict MLflow writes: `name` (if any), `type: "tensor"`, `tensor-spec: {dtype, shape}`.
    public var json: JSONValue {
        var o = JSONObject()
        if let name { o["name"] = name.json }
        o["type"] = "tensor"
        var spec = JSONObject()
        spec["dtype"] = .string(dtype.name)
        spec["shape"] = .array(shape.map { .int(Int64($0)) })
        o["tensor-spec"] = .object(spec)
        return .object(o)
    }

    /// Python `repr`: `Tensor('float32', (-1, 3))`, prefixed by `'name': ` when named.
    public var pythonRepr: String {
        let info = "Tensor(\(PythonRepr.string(dtype.name)), \(PythonRepr.tuple(shape)))"
        if let name { return "\(name.pythonRepr): \(info)" }
        return info
    }
}
