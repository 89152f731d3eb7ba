/// An n-dimensional array: dtype, shape and contiguous row-major storage (numpy's `ndarray`).
public struct Tensor: Sendable, Hashable {
    /// Contiguous element storage; integer dtypes up to 64 bits signed share `int`, floats of 16/32
    /// bits share `float32` (float16 values are widened).
    public enum Storage: Sendable, Hashable {
        case bool([Bool])
        case int([Int64])
        case uint64([UInt64])
        case float32([Float])
        case float64([Double])
        case string([String])
        case bytes([[UInt8]])
        case object([JSONValue])

        var count: Int {
            switch self {
            case .bool(let v): return v.count
            case .int(let v): return v.count
            case .uint64(let v): return v.count
            case .float32(let v): return v.count
            case .float64(let v): return v.count
            case .string(let v): return v.count
            case .bytes(let v): return v.count
            case .object(let v): return v.count
            }
        }
    }

    public let dtype: NumpyDType
    public let shape: [Int]
    public let storage: Storage

    /// A tensor; the element count must equal the product of the shape.
    public init(dtype: NumpyDType, shape: [Int], storage: Storage) throws(TensorError) {
        let n = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), n == storage.count else {
            throw TensorError("shape \(PythonRepr.tuple(shape)) needs \(n) elements, got \(storage.count)")
        }
        self.dtype = dtype
        self.shape = shape
        self.storage = storage
    }

    /// Number of elements.
    public var count: Int { storage.count }

    /// Element `i` (flat index) as JSON.
    public func json(at i: Int) -> JSONValue {
        switch storage {
        case .bool(let v): return .bool(v[i])
        case .int(let v): return .int(v[i])
        case .uint64(let v): return v[i] <= UInt64(Int64.max) ? .int(Int64(v[i])) : .bigInt(String(v[i]))
        case .float32(let v): return .double(Double(v[i]))
        case .float64(let v): return .double(v[i])
        case .string(let v): return .string(v[i])
        case .bytes(let v): return .string(Base64.encode(v[i]))
        case .object(let v): return v[i]
        }
    }

    /// The nested-list JSON (`ndarray.tolist()`).
    public var json: JSONValue {
        if shape.isEmpty { return count == 1 ? json(at: 0) : .null }
        var index = 0
        func build(_ dim: Int) -> JSONValue {
            if dim == shape.count - 1 {
                var items: [JSONValue] = []
                items.reserveCapacity(shape[dim])
                for _ in 0..<shape[dim] {
                    items.append(json(at: index))
                    index += 1
                }
                return .array(items)
            }
            return .array((0..<shape[dim]).map { _ in build(dim + 1) })
        }
        return build(0)
    }
}

/// A tensor that cannot be built (ragged nesting, wrong element kinds, element count mismatch).
public struct TensorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
