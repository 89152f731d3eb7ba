/// An MLflow input example (`mlflow.models.utils._Example`): the data saved in
/// `input_example.json`, the request body in `serving_input_example.json`, and the
/// `saved_input_example_info` mapping that MLmodel carries.
public struct InputExample: Sendable, Hashable {
    /// The example data, by the form MLflow saved it in.
    public enum Data: Sendable, Hashable {
        /// A DataFrame (`type: dataframe`), written in pandas split orient (`pandas_orient: split`)
        /// or, for default integer column labels, without `columns` (`pandas_orient: values`).
        case dataframe(Table)
        /// One ndarray (`type: ndarray`).
        case tensor(Tensor)
        /// A dict of ndarrays (`type: ndarray`).
        case tensors([(name: String, tensor: Tensor)])
        /// Any JSON value: dict, list, scalar (`type: json_object`).
        case json(JSONValue)
        /// A scipy sparse matrix (`type: sparse_matrix_csr` / `sparse_matrix_csc`).
        case sparse(SparseMatrix)

        public static func == (a: Data, b: Data) -> Bool {
            switch (a, b) {
            case (.dataframe(let x), .dataframe(let y)): return x == y
            case (.tensor(let x), .tensor(let y)): return x == y
            case (.tensors(let x), .tensors(let y)):
                return x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
            case (.json(let x), .json(let y)): return x == y
            case (.sparse(let x), .sparse(let y)): return x == y
            default: return false
            }
        }

        public func hash(into hasher: inout Hasher) {
            switch self {
            case .dataframe(let t): hasher.combine(t)
            case .tensor(let t): hasher.combine(t)
            case .tensors(let ts): for (n, t) in ts { hasher.combine(n); hasher.combine(t) }
            case .json(let j): hasher.combine(j)
            case .sparse(let s): hasher.combine(s)
            }
        }
    }

    /// File names MLflow uses.
    public static let fileName = "input_example.json"
    public static let servingFileName = "serving_input_example.json"

    /// The data.
    public var data: Data
    /// Inference params saved with the example (`(data, params)` tuples), or `nil`.
    public var params: JSONObject?

    public init(data: Data, params: JSONObject? = nil) {
        self.data = data
        self.params = params
    }

    /// `saved_input_example_info.type`.
    public var typeName: String {
        switch data {
        case .dataframe: return "dataframe"
        case .tensor, .tensors: return "ndarray"
        case .json: return "json_object"
        case .sparse(let s): return "sparse_matrix_\(s.format.rawValue)"
        }
    }

    /// Keys of a dict example that make it "unified LLM" input (sent unwrapped).
    static let unifiedLLMKeys = ["messages", "prompt", "input"]

    /// The JSON of the data alone (what `input_example.json` holds without params).
    public var dataJSON: JSONValue {
        switch data {
        case .dataframe(let t): return t.splitJSON
        case .tensor(let t): return t.exampleJSON
        case .tensors(let ts):
            var o = JSONObject()
            for (n, t) in ts { o[n] = t.exampleJSON }
            return .object(o)
        case .json(let j): return j
        case .sparse(let s): return s.json
        }
    }

    /// The content of `input_example.json`.
    public var inputExampleJSON: JSONValue {
        guard let params else { return dataJSON }
        return ["inputs": dataJSON, "params": .object(params)]
    }

    /// The content of `serving_input_example.json`: a complete `/invocations` body.
    public var servingInputJSON: JSONValue {
        var o = JSONObject()
        switch data {
        case .dataframe(let t): o["dataframe_split"] = t.splitJSON
        case .sparse(let s): o["inputs"] = s.denseJSON
        case .json(.object(let dict)) where dict.keys.contains(where: InputExample.unifiedLLMKeys.contains):
            o = dict
            for (k, v) in params ?? JSONObject() { o[k] = v }
            return .object(o)
        default: o["inputs"] = dataJSON
        }
        if let params { o["params"] = .object(params) }
        return .object(o)
    }

    /// The `saved_input_example_info` mapping MLflow writes into MLmodel (values are strings).
    public var savedInfo: [String: String] {
        var info = ["artifact_path": InputExample.fileName, "type": typeName,
                    "serving_input_path": InputExample.servingFileName]
        if case .dataframe(let t) = data { info["pandas_orient"] = t.hasDefaultLabels ? "values" : "split" }
        if params != nil { info["params"] = "true" }
        return info
    }

    /// The bytes of `input_example.json` (`json.dumps`, one line, no trailing newline).
    public var inputExampleBytes: [UInt8] { Array(JSONWriter.python.string(inputExampleJSON).utf8) }

    /// The bytes of `serving_input_example.json` (`json.dumps(indent=2)`).
    public var servingInputBytes: [UInt8] { Array(JSONWriter.pythonIndented.string(servingInputJSON).utf8) }
}

extension Tensor {
    /// The example-file JSON of a tensor: nested lists with NaN written as `null` (MLflow's `_handle_ndarray_nans`).
    var exampleJSON: JSONValue {
        func clean(_ v: JSONValue) -> JSONValue {
            switch v {
            case .double(let d) where d.isNaN: return .null
            case .array(let a): return .array(a.map(clean))
            default: return v
            }
        }
        return clean(json)
    }
}
