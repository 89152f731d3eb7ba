/// MLflow's scalar column types (`mlflow.types.DataType`).
public enum DataType: String, Sendable, Hashable, CaseIterable {
    case boolean, integer, long, float, double, string, binary, datetime

    /// The numpy dtype MLflow maps the type to.
    public var numpyDType: NumpyDType {
        switch self {
        case .boolean: return .bool
        case .integer: return .int32
        case .long: return .int64
        case .float: return .float32
        case .double: return .float64
        case .string: return .str
        case .binary: return .bytes
        case .datetime: return .datetime64("ns")
        }
    }

    /// The names MLflow lists in its "Unsupported type" error, in its order.
    static let mlflowOrder: [DataType] = [.boolean, .integer, .long, .float, .double, .string, .binary, .datetime]

    static var namesList: String {
        "[" + mlflowOrder.map { "'\($0.rawValue)'" }.joined(separator: ", ") + "]"
    }
}
