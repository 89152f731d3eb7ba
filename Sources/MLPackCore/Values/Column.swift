/// One column of a ``Table``: typed, contiguous storage plus an optional validity mask.
///
/// Scalars are stored unboxed (`[Int64]`, `[Double]`, ...); only nested values (arrays, objects,
/// maps, mixed or any-typed cells) use the ``Storage/boxed(_:)`` case. A missing value is a `false`
/// in ``validity``; for float columns a NaN also counts as missing, as in pandas.
public struct Column: Sendable, Hashable {
    /// The cell storage.
    public enum Storage: Sendable, Hashable {
        case string([String])
        case int64([Int64])
        case int32([Int32])
        case double([Double])
        case float([Float])
        case bool([Bool])
        case binary([[UInt8]])
        /// Nanoseconds since the Unix epoch (`datetime64[ns]`).
        case datetime([Int64])
        /// Nested or untyped cells.
        case boxed([JSONValue])
    }

    /// The cells.
    public var storage: Storage
    /// `nil` when every cell is present; otherwise `false` marks a missing cell.
    public var validity: [Bool]?

    public init(_ storage: Storage, validity: [Bool]? = nil) {
        self.storage = storage
        self.validity = validity.flatMap { $0.allSatisfy { $0 } ? nil : $0 }
    }

    /// Number of cells.
    public var count: Int {
        switch storage {
        case .string(let v): return v.count
        case .int64(let v): return v.count
        case .int32(let v): return v.count
        case .double(let v): return v.count
        case .float(let v): return v.count
        case .bool(let v): return v.count
        case .binary(let v): return v.count
        case .datetime(let v): return v.count
        case .boxed(let v): return v.count
        }
    }

    /// The pandas/numpy dtype name of the column (`int64`, `float64`, `bool`, `str`, `object`, `datetime64[ns]`, ...).
    public var dtypeName: String {
        switch storage {
        case .string: return "str"
        case .int64: return "int64"
        case .int32: return "int32"
        case .double: return "float64"
        case .float: return "float32"
        case .bool: return "bool"
        case .binary, .boxed: return "object"
        case .datetime: return "datetime64[ns]"
        }
    }

    /// `true` when cell `row` is missing (masked, `null`, or NaN in a float column).
    public func isMissing(_ row: Int) -> Bool {
        if let validity, !validity[row] { return true }
        switch storage {
        case .double(let v): return v[row].isNaN
        case .float(let v): return v[row].isNaN
        case .boxed(let v):
            if case .double(let d) = v[row] { return d.isNaN }
            return v[row].isNull
        default: return false
        }
    }

    /// `true` when any cell is missing.
    public var hasMissing: Bool { (0..<count).contains { isMissing($0) } }

    /// Cell `row` as JSON (`null` when masked; binary as standard base64, datetime as ISO text).
    public func json(at row: Int) -> JSONValue {
        if let validity, !validity[row] { return .null }
        switch storage {
        case .string(let v): return .string(v[row])
        case .int64(let v): return .int(v[row])
        case .int32(let v): return .int(Int64(v[row]))
        case .double(let v): return .double(v[row])
        case .float(let v): return .double(Double(v[row]))
        case .bool(let v): return .bool(v[row])
        case .binary(let v): return .string(Base64.encode(v[row]))
        case .datetime(let v): return .string(ISODateTime(epochNanoseconds: v[row]).isoformat)
        case .boxed(let v): return v[row]
        }
    }

    /// All cells as JSON.
    public var jsonCells: [JSONValue] { (0..<count).map { json(at: $0) } }
}
