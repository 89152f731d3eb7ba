extension Tensor {
    /// `np.array(value)` for nested JSON lists: the shape must be rectangular; the dtype is the one
    /// numpy infers (`bool`, `int64` for all integers, `float64` when any float is present among
    /// numbers, `str` for all strings), or `object` for anything else. With `nullAsNaN`, nulls among
    /// numbers are NaN (how MLflow writes NaN in ndarray examples).
    public init(inferringFrom value: JSONValue, nullAsNaN: Bool = false) throws(TensorError) {
        var shape: [Int] = []
        var probe = value
        while case .array(let a) = probe {
            shape.append(a.count)
            guard let first = a.first else { break }
            probe = first
        }
        var leaves: [JSONValue] = []
        leaves.reserveCapacity(shape.reduce(1, *))
        func walk(_ v: JSONValue, _ dim: Int, _ path: String) throws(TensorError) {
            if dim == shape.count {
                if case .array = v { throw TensorError("ragged nested sequence at \(path): expected a scalar") }
                leaves.append(v)
                return
            }
            guard case .array(let a) = v else {
                throw TensorError("ragged nested sequence at \(path): expected a list of \(shape[dim]) elements")
            }
            guard a.count == shape[dim] else {
                throw TensorError("ragged nested sequence at \(path): \(a.count) elements, expected \(shape[dim])")
            }
            for (i, x) in a.enumerated() { try walk(x, dim + 1, path + "[\(i)]") }
        }
        try walk(value, 0, "$")
        var ints = 0, doubles = 0, bools = 0, strings = 0, nulls = 0
        for l in leaves {
            switch l {
            case .int: ints += 1
            case .double: doubles += 1
            case .bool: bools += 1
            case .string: strings += 1
            case .null: nulls += 1
            default: break
            }
        }
        let n = leaves.count
        if n > 0 && ints == n {
            try self.init(dtype: .int64, shape: shape, storage: .int(leaves.map { $0.intValue ?? 0 }))
        } else if n == 0 || ints + doubles == n || (nullAsNaN && ints + doubles > 0 && ints + doubles + nulls == n) {
            try self.init(dtype: .float64, shape: shape, storage: .float64(leaves.map { $0.numberValue ?? .nan }))
        } else if bools == n {
            try self.init(dtype: .bool, shape: shape, storage: .bool(leaves.map { $0.boolValue ?? false }))
        } else if strings == n {
            try self.init(dtype: .str, shape: shape, storage: .string(leaves.map { $0.stringValue ?? "" }))
        } else {
            try self.init(dtype: .object, shape: shape, storage: .object(leaves))
        }
    }

    /// `true` when `value` is a non-empty, rectangular nested list of numbers (ints/floats, no bools or nulls).
    public static func isRectangularNumeric(_ value: JSONValue) -> Bool {
        guard case .array(let a) = value, !a.isEmpty, let t = try? Tensor(inferringFrom: value) else { return false }
        return t.dtype == .int64 || (t.dtype == .float64 && t.count > 0 && (0..<t.count).allSatisfy { t.json(at: $0).numberValue != nil })
    }
}
