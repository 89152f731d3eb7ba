/// A scipy CSR/CSC matrix as MLflow stores it in `input_example.json`:
/// `{"data": [...], "indices": [...], "indptr": [...], "shape": [rows, cols]}`.
public struct SparseMatrix: Sendable, Hashable {
    /// Compressed rows (`csr`) or columns (`csc`).
    public enum Format: String, Sendable { case csr, csc }

    public var format: Format
    /// The stored values.
    public var data: [JSONValue]
    public var indices: [Int]
    public var indptr: [Int]
    public var rows: Int
    public var columns: Int

    /// Reads the JSON form, checking that the index arrays are consistent with the shape.
    public init(json: JSONValue, format: Format) throws(InputExampleError) {
        guard case .object(let o) = json else { throw InputExampleError("sparse matrix example must be an object, got \(json.kindName)") }
        for k in o.keys where !["data", "indices", "indptr", "shape"].contains(k) {
            throw InputExampleError("unknown key '\(k.prefix(40))' in sparse matrix example")
        }
        func ints(_ key: String) throws(InputExampleError) -> [Int] {
            guard case .array(let a)? = o[key] else { throw InputExampleError("sparse matrix example needs an integer list '\(key)'") }
            var out: [Int] = []
            for v in a {
                guard case .int(let i) = v, i >= 0, let x = Int(exactly: i) else {
                    throw InputExampleError("'\(key)' must hold non-negative integers")
                }
                out.append(x)
            }
            return out
        }
        guard case .array(let values)? = o["data"], values.allSatisfy({ $0.numberValue != nil || $0.boolValue != nil }) else {
            throw InputExampleError("sparse matrix example needs a numeric list 'data'")
        }
        let shape = try ints("shape")
        guard shape.count == 2 else { throw InputExampleError("sparse matrix 'shape' must have two dimensions") }
        self.format = format
        self.data = values
        self.indices = try ints("indices")
        self.indptr = try ints("indptr")
        self.rows = shape[0]
        self.columns = shape[1]
        // The serving example and `predict`'s input are the dense matrix: one list per row and a
        // value per cell. A shape is a few bytes, so it is bounded here, before anything is made of it.
        let (cells, cellsOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (denseValues, valuesOverflow) = cells.addingReportingOverflow(rows)
        guard !cellsOverflow, !valuesOverflow, denseValues <= Self.maxDenseValues, columns <= Self.maxDenseValues else {
            throw InputExampleError(
                "sparse matrix shape [\(rows), \(columns)] is too large: a dimension or its dense form "
                    + "(serving_input_example.json) holds more than \(Self.maxDenseValues) values, the most mlpack reads from one JSON body")
        }
        let major = format == .csr ? rows : columns
        let minor = format == .csr ? columns : rows
        guard indptr.count == major + 1, indptr.first == 0, indptr.last == data.count, indices.count == data.count,
              zip(indptr, indptr.dropFirst()).allSatisfy({ $0 <= $1 }), indices.allSatisfy({ $0 < minor }) else {
            throw InputExampleError("sparse matrix indices/indptr are inconsistent with shape [\(rows), \(columns)]")
        }
    }

    /// The most values (rows and cells) the dense form may hold: what `JSONParser` reads by default,
    /// so a served example always reads back.
    public static let maxDenseValues = JSONParser.defaultMaxValues

    /// The JSON MLflow writes.
    public var json: JSONValue {
        var o = JSONObject()
        o["data"] = .array(data)
        o["indices"] = .array(indices.map { .int(Int64($0)) })
        o["indptr"] = .array(indptr.map { .int(Int64($0)) })
        o["shape"] = [.int(Int64(rows)), .int(Int64(columns))]
        return .object(o)
    }

    /// The dense matrix as nested lists (`toarray().tolist()`), zeros as `0.0` for float data.
    public var denseJSON: JSONValue {
        let zero: JSONValue = data.contains { if case .double = $0 { return true } else { return false } } || data.isEmpty ? .double(0) : .int(0)
        var dense = Array(repeating: Array(repeating: zero, count: columns), count: rows)
        let major = format == .csr ? rows : columns
        for m in 0..<major {
            for k in indptr[m]..<indptr[m + 1] {
                if format == .csr { dense[m][indices[k]] = data[k] } else { dense[indices[k]][m] = data[k] }
            }
        }
        return .array(dense.map { .array($0) })
    }
}
