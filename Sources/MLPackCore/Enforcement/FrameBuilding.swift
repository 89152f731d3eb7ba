/// The DataFrame `_enforce_schema` builds from a non-DataFrame input for a column-based schema:
/// a dict becomes one row (when a column is Array/Object-typed or every value is a scalar or a
/// list of strings) or one column per key; a list of dicts becomes records; an array or list
/// becomes positional columns; a scalar a 1×1 frame.
enum FrameBuilding {
    static func error(_ message: String) -> ScoringError {
        ScoringError(
            stage: .enforceInput,
            "This model contains a column-based signature, which suggests a DataFrame input. There was an error casting the input data to a DataFrame: \(message)")
    }

    static func table(_ names: [ColumnName], _ columns: [Column], rows: Int) throws(ScoringError) -> Table {
        do {
            return try Table(names: names, columns: columns, rowCount: rows)
        } catch {
            throw self.error(error.message)
        }
    }

    /// A column holding one cell.
    static func single(_ cell: PyInput.Cell) -> Column {
        switch cell {
        case .array(let t) where t.shape.isEmpty: return TensorValues.column(t)
        default: return Column(.boxed([cell.json]))
        }
    }

    static func frame(_ input: PyInput, schema: Schema) throws(ScoringError) -> Table {
        switch input {
        case .frame(let t): return t
        case .array(let t):
            switch t.shape.count {
            case 0: return try table([.int(0)], [TensorValues.column(t)], rows: 1)
            case 1: return try table([.int(0)], [TensorValues.column(t)], rows: t.shape[0])
            case 2:
                let rows = t.shape[0], width = t.shape[1]
                var cols: [Column] = []
                for c in 0..<width {
                    let indices = (0..<rows).map { $0 * width + c }
                    let cells = indices.map { TensorValues.element(t, $0) }
                    guard let sub = try? Tensor(dtype: t.dtype, shape: [rows], storage: pick(t.storage, indices)) else {
                        cols.append(Column(.boxed(cells)))
                        continue
                    }
                    cols.append(TensorValues.column(sub))
                }
                return try table((0..<width).map { .int(Int64($0)) }, cols, rows: rows)
            default:
                throw error("Must pass 2-d input. shape=\(PythonRepr.tuple(t.shape))")
            }
        case .dict(let d):
            let composite = schema.columns.contains {
                switch $0.type {
                case .array, .object: return true
                default: return false
                }
            }
            let listsOfStrings = d.allSatisfy {
                if case .plain(.array(let a)) = $0.1 { return a.allSatisfy { $0.stringValue != nil } }
                return false
            }
            if composite || d.allSatisfy({ $0.1.isScalar }) || (listsOfStrings && !d.isEmpty) {
                return try table(d.map { .string($0.0) }, d.map { single($0.1) }, rows: 1)
            }
            var length: Int? = nil
            for (_, cell) in d {
                let n: Int?
                switch cell {
                case .array(let t): n = t.shape.first
                case .plain(let v): n = v.arrayValue?.count
                }
                guard let n else { continue }
                if let length, length != n { throw error("All arrays must be of the same length") }
                length = n
            }
            let rows = length ?? 1
            var cols: [Column] = []
            for (_, cell) in d {
                switch cell {
                case .array(let t) where t.shape.count == 1: cols.append(TensorValues.column(t))
                case .array(let t) where t.shape.isEmpty:
                    cols.append(Column(.boxed(Array(repeating: cell.json, count: rows))).retyped(like: TensorValues.column(t)))
                case .array(let t): cols.append(Column(.boxed(TensorValues.rows(t))))
                case .plain(.array(let a)): cols.append(Column(inferringFrom: a))
                case .plain(let v): cols.append(Column(inferringFrom: Array(repeating: v, count: rows)))
                }
            }
            return try table(d.map { .string($0.0) }, cols, rows: rows)
        case .records(let rows):
            var order: [String] = []
            var seen = Set<String>()
            for r in rows { for (k, _) in r where seen.insert(k).inserted { order.append(k) } }
            var cols: [Column] = []
            for k in order {
                let cells = rows.map { r in r.first { $0.0 == k }?.1 }
                let tensors: [Tensor] = cells.compactMap { c -> Tensor? in
                    if case .array(let t)? = c, t.shape.isEmpty { return t }
                    return nil
                }
                if tensors.count == cells.count, let d0 = tensors.first?.dtype, tensors.allSatisfy({ $0.dtype == d0 }),
                   let merged = Column.concatenate(tensors.map(TensorValues.column)) {
                    cols.append(merged)
                } else {
                    cols.append(Column(inferringFrom: cells.map { $0?.json ?? .null }))
                }
            }
            return try table(order.map { .string($0) }, cols, rows: rows.count)
        case .plain(let v):
            switch v {
            case .object(let o): return try frame(.dict(o.members.map { ($0.key, .plain($0.value)) }), schema: schema)
            case .array(let items):
                if !items.isEmpty && items.allSatisfy({ $0.objectValue != nil }) {
                    return try frame(.records(items.map { ($0.objectValue ?? JSONObject()).members.map { ($0.key, .plain($0.value)) } }),
                                     schema: schema)
                }
                if !items.isEmpty && items.allSatisfy({ $0.arrayValue != nil }) {
                    do {
                        return try Table(rows: items.map { $0.arrayValue ?? [] })
                    } catch {
                        throw self.error(error.message)
                    }
                }
                if items.isEmpty { return try table([], [], rows: 0) }
                return try table([.int(0)], [Column(inferringFrom: items)], rows: items.count)
            default:
                return try table([.int(0)], [Column(inferringFrom: [v])], rows: 1)
            }
        }
    }

    static func pick(_ s: Tensor.Storage, _ idx: [Int]) -> Tensor.Storage {
        switch s {
        case .bool(let v): return .bool(idx.map { v[$0] })
        case .int(let v): return .int(idx.map { v[$0] })
        case .uint64(let v): return .uint64(idx.map { v[$0] })
        case .float32(let v): return .float32(idx.map { v[$0] })
        case .float64(let v): return .float64(idx.map { v[$0] })
        case .string(let v): return .string(idx.map { v[$0] })
        case .bytes(let v): return .bytes(idx.map { v[$0] })
        case .object(let v): return .object(idx.map { v[$0] })
        }
    }
}

extension Column {
    /// The cells of `self` re-stored with the storage kind of `like` when both are one-cell-typed
    /// (used to broadcast a numpy scalar to a column of its dtype).
    func retyped(like: Column) -> Column {
        guard like.count == 1 else { return self }
        return Column.concatenate(Array(repeating: like, count: count)) ?? self
    }

    /// Concatenates columns of the same storage kind; `nil` when kinds differ.
    static func concatenate(_ parts: [Column]) -> Column? {
        guard let first = parts.first else { return nil }
        var valid: [Bool] = []
        for p in parts { valid += p.validity ?? Array(repeating: true, count: p.count) }
        func all<T>(_ get: (Column.Storage) -> [T]?) -> [T]? {
            var out: [T] = []
            for p in parts {
                guard let v = get(p.storage) else { return nil }
                out += v
            }
            return out
        }
        let storage: Column.Storage?
        switch first.storage {
        case .string: storage = all { if case .string(let v) = $0 { return v } else { return nil } }.map { .string($0) }
        case .int64: storage = all { if case .int64(let v) = $0 { return v } else { return nil } }.map { .int64($0) }
        case .int32: storage = all { if case .int32(let v) = $0 { return v } else { return nil } }.map { .int32($0) }
        case .double: storage = all { if case .double(let v) = $0 { return v } else { return nil } }.map { .double($0) }
        case .float: storage = all { if case .float(let v) = $0 { return v } else { return nil } }.map { .float($0) }
        case .bool: storage = all { if case .bool(let v) = $0 { return v } else { return nil } }.map { .bool($0) }
        case .binary: storage = all { if case .binary(let v) = $0 { return v } else { return nil } }.map { .binary($0) }
        case .datetime: storage = all { if case .datetime(let v) = $0 { return v } else { return nil } }.map { .datetime($0) }
        case .boxed: storage = all { if case .boxed(let v) = $0 { return v } else { return nil } }.map { .boxed($0) }
        }
        return storage.map { Column($0, validity: valid) }
    }
}
