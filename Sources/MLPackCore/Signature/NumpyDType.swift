/// A numpy dtype as MLflow writes it in a `TensorSpec` (`np.dtype(...).name`).
public enum NumpyDType: Sendable, Hashable, CustomStringConvertible {
    case bool
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case float16, float32, float64
    case complex64, complex128
    /// Unicode strings (`<U…` arrays; MLflow stores the size-less name `str`).
    case str
    /// Byte strings (`S…`; stored as `bytes`).
    case bytes
    /// Python objects.
    case object
    /// `datetime64[unit]` (unit such as `ns`, `us`, `s`, `D`), or generic `datetime64` when the unit is empty.
    case datetime64(String)
    /// `timedelta64[unit]`.
    case timedelta64(String)

    /// The numpy `.name` of the dtype.
    public var name: String {
        switch self {
        case .bool: return "bool"
        case .int8: return "int8"
        case .int16: return "int16"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint8: return "uint8"
        case .uint16: return "uint16"
        case .uint32: return "uint32"
        case .uint64: return "uint64"
        case .float16: return "float16"
        case .float32: return "float32"
        case .float64: return "float64"
        case .complex64: return "complex64"
        case .complex128: return "complex128"
        case .str: return "str"
        case .bytes: return "bytes"
        case .object: return "object"
        case .datetime64(let u): return u.isEmpty ? "datetime64" : "datetime64[\(u)]"
        case .timedelta64(let u): return u.isEmpty ? "timedelta64" : "timedelta64[\(u)]"
        }
    }

    public var description: String { name }

    /// Size in bytes of one element for fixed-size numeric dtypes; `nil` for str/bytes/object.
    public var itemSize: Int? {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16, .float16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64, .complex64, .datetime64, .timedelta64: return 8
        case .complex128: return 16
        case .str, .bytes, .object: return nil
        }
    }

    private static let datetimeUnits: Set<String> = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"]

    private static let aliases: [String: NumpyDType] = [
        "bool": .bool, "bool_": .bool, "?": .bool, "b1": .bool,
        "int8": .int8, "i1": .int8, "byte": .int8,
        "int16": .int16, "i2": .int16, "short": .int16,
        "int32": .int32, "i4": .int32, "intc": .int32,
        "int64": .int64, "i8": .int64, "int": .int64, "long": .int64, "int_": .int64, "longlong": .int64,
        "uint8": .uint8, "u1": .uint8, "ubyte": .uint8,
        "uint16": .uint16, "u2": .uint16, "ushort": .uint16,
        "uint32": .uint32, "u4": .uint32, "uintc": .uint32,
        "uint64": .uint64, "u8": .uint64, "uint": .uint64, "ulonglong": .uint64,
        "float16": .float16, "f2": .float16, "half": .float16, "e": .float16,
        "float32": .float32, "f4": .float32, "single": .float32, "f": .float32,
        "float64": .float64, "f8": .float64, "float": .float64, "double": .float64, "d": .float64,
        "complex64": .complex64, "c8": .complex64, "csingle": .complex64,
        "complex128": .complex128, "c16": .complex128, "complex": .complex128, "cdouble": .complex128,
        "str": .str, "str_": .str, "U": .str, "unicode": .str,
        "bytes": .bytes, "bytes_": .bytes, "S": .bytes,
        "object": .object, "O": .object, "object_": .object,
    ]

    /// Parses a dtype string the way `np.dtype(text)` would for the dtypes MLflow uses; sized
    /// flexible types (`<U10`, `S5`) are refused as MLflow refuses them.
    public init(parsing text: String) throws(SignatureError) {
        var t = Substring(text)
        if let first = t.first, "<>=|".contains(first) { t = t.dropFirst() }
        if let d = NumpyDType.aliases[String(t)] {
            self = d
            return
        }
        for (prefix, make) in [("datetime64", NumpyDType.datetime64), ("timedelta64", NumpyDType.timedelta64),
                               ("M8", NumpyDType.datetime64), ("m8", NumpyDType.timedelta64)] {
            guard t.hasPrefix(prefix) else { continue }
            let rest = t.dropFirst(prefix.count)
            if rest.isEmpty {
                self = make("")
                return
            }
            if rest.first == "[", rest.last == "]" {
                let unit = String(rest.dropFirst().dropLast())
                if NumpyDType.datetimeUnits.contains(unit) {
                    self = make(unit)
                    return
                }
            }
        }
        if let first = t.first, "USa".contains(first), !t.dropFirst().isEmpty, t.dropFirst().allSatisfy(\.isNumber) {
            let base = first == "U" ? "str" : "bytes"
            throw SignatureError(
                "MLflow does not support size information in flexible numpy data types. Use np.dtype(\"\(base)\") instead")
        }
        throw SignatureError("data type '\(text.prefix(60))' not understood")
    }
}
