/// A model input or output schema (`mlflow.types.Schema`): either all ``ColSpec``s or all ``TensorSpec``s.
///
/// The initialisers enforce MLflow's rules: not empty, all named or all unnamed, no more than one
/// unnamed tensor, unnamed columns must be required.
public struct Schema: Sendable, Hashable {
    /// The specs of a schema.
    public enum Inputs: Sendable, Hashable {
        case columns([ColSpec])
        case tensors([TensorSpec])
    }

    /// The specs.
    public let inputs: Inputs

    /// A column-based schema.
    public init(columns: [ColSpec]) throws(SignatureError) {
        try Schema.check(names: columns.map(\.name), requireds: columns.map(\.required), tensors: false)
        inputs = .columns(columns)
    }

    /// A tensor-based schema.
    public init(tensors: [TensorSpec]) throws(SignatureError) {
        try Schema.check(names: tensors.map(\.name), requireds: tensors.map { _ in true }, tensors: true)
        inputs = .tensors(tensors)
    }

    private static func check(names: [ColumnName?], requireds: [Bool], tensors: Bool) throws(SignatureError) {
        if names.isEmpty { throw SignatureError("Creating Schema with empty inputs is not allowed.") }
        let named = names.filter { $0 != nil }.count
        if named != 0 && named != names.count {
            let list = names.map { $0?.pythonRepr ?? "None" }.joined(separator: ", ")
            throw SignatureError(
                "Creating Schema with a combination of named and unnamed inputs is not allowed. Got input names [\(list)]")
        }
        if tensors && names.count > 1 && named == 0 {
            throw SignatureError(
                "Creating Schema with multiple unnamed TensorSpecs is not supported. Please provide names for each TensorSpec.")
        }
        if named == 0 && requireds.contains(false) {
            throw SignatureError(
                "Creating Schema with unnamed optional inputs is not supported. Please name all inputs or make all inputs required.")
        }
    }

    /// `true` for a tensor-based schema.
    public var isTensorSpec: Bool { if case .tensors = inputs { return true } else { return false } }

    /// The column specs (empty for a tensor schema).
    public var columns: [ColSpec] { if case .columns(let c) = inputs { return c } else { return [] } }

    /// The tensor specs (empty for a column schema).
    public var tensors: [TensorSpec] { if case .tensors(let t) = inputs { return t } else { return [] } }

    /// Number of specs.
    public var count: Int {
        switch inputs {
        case .columns(let c): return c.count
        case .tensors(let t): return t.count
        }
    }

    /// `true` when the specs are named.
    public var hasInputNames: Bool {
        switch inputs {
        case .columns(let c): return c.first?.name != nil
        case .tensors(let t): return t.first?.name != nil
        }
    }

    /// The list MLflow's `Schema.to_dict()` produces.
    public var json: JSONValue {
        switch inputs {
        case .columns(let c): return .array(c.map(\.json))
        case .tensors(let t): return .array(t.map(\.json))
        }
    }

    /// The exact string MLflow's `Schema.to_json()` writes into MLmodel.
    public var jsonString: String { JSONWriter.python.string(json) }

    /// Python `repr`: `['a': long (required), 'b': string (optional)]`.
    public var pythonRepr: String {
        switch inputs {
        case .columns(let c): return "[" + c.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .tensors(let t): return "[" + t.map(\.pythonRepr).joined(separator: ", ") + "]"
        }
    }
}
