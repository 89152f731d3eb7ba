/// A sample to infer a signature from: the Python value MLflow's `infer_signature` would see.
///
/// JSON gives `none`, `bool`, `int`, `float`, `string`, `list`, `dict`; ``ndarray(_:)`` and
/// ``dataFrame(_:)`` stand for numpy arrays and pandas DataFrames (from request bodies, CSV or
/// numeric output samples); ``bytes(_:)``, ``datetime(_:)`` and ``numpyScalar(_:_:)`` cover the
/// remaining scalar kinds the flavors produce.
public indirect enum SampleValue: Sendable, Hashable {
    case none
    case bool(Bool)
    case int(Int64)
    /// A Python int outside Int64 (decimal text).
    case bigInt(String)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// `datetime.datetime` / `datetime.date` / pandas Timestamp.
    case datetime(ISODateTime)
    /// A numpy scalar of the given dtype (`np.float32(1.5)`), with its value as JSON.
    case numpyScalar(NumpyDType, JSONValue)
    case list([SampleValue])
    /// A dict with string keys, in order.
    case dict([DictEntry])
    case ndarray(Tensor)
    case dataFrame(Table)

    /// One dict member.
    public struct DictEntry: Sendable, Hashable {
        public var key: String
        public var value: SampleValue
        public init(_ key: String, _ value: SampleValue) {
            self.key = key
            self.value = value
        }
    }

    /// The Python value `json.loads` gives for `json`.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .bigInt(let t): self = .bigInt(t)
        case .double(let d): self = .float(d)
        case .string(let s): self = .string(s)
        case .array(let a): self = .list(a.map(SampleValue.init(json:)))
        case .object(let o): self = .dict(o.members.map { DictEntry($0.key, SampleValue(json: $0.value)) })
        }
    }

    /// `None`, or a float NaN (MLflow's `_is_none_or_nan`).
    var isNoneOrNaN: Bool {
        switch self {
        case .none: return true
        case .float(let d): return d.isNaN
        default: return false
        }
    }
}

extension SampleValue {
    /// The sample an **input** body stands for: a DataFrame for `dataframe_split`/`dataframe_records`/
    /// CSV/JSON Lines, the unwrapped value for `inputs`/`instances`, the whole object for unified-LLM bodies.
    public init(inputRequest request: ScoringRequest) {
        switch request.payload {
        case .table(let t, _): self = .dataFrame(t)
        case .json(let v, _): self = SampleValue(json: v)
        case .unifiedLLM(let o): self = SampleValue(json: .object(o))
        }
    }

    /// The sample a JSON **input** file stands for: a request body (an object with exactly one of
    /// the four input fields) is read as a request; any other JSON value is taken as-is.
    public init(inputJSON json: JSONValue) throws(ScoringError) {
        if case .object(let o) = json, o.keys.contains(where: { k in ScoringRequest.Field.allCases.contains { $0.rawValue == k } }) {
            self.init(inputRequest: try RequestParser().request(from: json))
        } else {
            self.init(json: json)
        }
    }

    /// The sample a JSON **output** file stands for: like an input, except that a rectangular
    /// numeric array is the numpy array it represents (predict outputs are arrays in MLflow):
    /// `[[0.6341]]` is a float64 array of shape (1, 1).
    public init(outputJSON json: JSONValue) throws(ScoringError) {
        if Tensor.isRectangularNumeric(json), let t = try? Tensor(inferringFrom: json) {
            self = .ndarray(t)
        } else {
            try self.init(inputJSON: json)
        }
    }
}
