extension Column {
    /// Builds a column from JSON cells with the dtype pandas would give a column of these Python
    /// values: all integers → `int64`; numbers with a float (or integers with nulls) → `float64`
    /// (nulls become NaN); all booleans → `bool`; strings (with or without nulls) → `str`; anything
    /// else (mixed kinds, lists, objects, booleans with nulls, all nulls) → a boxed `object` column.
    public init(inferringFrom cells: [JSONValue]) {
        var ints = 0, doubles = 0, bools = 0, strings = 0, nulls = 0, other = 0
        for c in cells {
            switch c {
            case .int: ints += 1
            case .double: doubles += 1
            case .bool: bools += 1
            case .string: strings += 1
            case .null: nulls += 1
            case .bigInt, .array, .object: other += 1
            }
        }
        let n = cells.count
        let validity = nulls > 0 ? cells.map { !$0.isNull } : nil
        if n > 0 && ints == n {
            self.init(.int64(cells.map { $0.intValue ?? 0 }))
        } else if n > 0 && ints + doubles + nulls == n && ints + doubles > 0 {
            self.init(.double(cells.map { $0.numberValue ?? .nan }))
        } else if n > 0 && bools == n {
            self.init(.bool(cells.map { $0.boolValue ?? false }))
        } else if strings > 0 && strings + nulls == n {
            self.init(.string(cells.map { $0.stringValue ?? "" }), validity: validity)
        } else {
            self.init(.boxed(cells))
        }
    }
}

extension Table {
    /// `pd.DataFrame(data=rows, columns=columns)`: rows must all have one cell per column; without
    /// `columns` the labels are `0..<width`.
    public init(rows: [[JSONValue]], columns: [ColumnName]? = nil) throws(TableError) {
        let width = columns?.count ?? rows.first?.count ?? 0
        for (i, r) in rows.enumerated() where r.count != width {
            throw TableError("row \(i) has \(r.count) values, expected \(width) (one per column)")
        }
        let names = columns ?? (0..<width).map { .int(Int64($0)) }
        let cols = (0..<width).map { c in Column(inferringFrom: rows.map { $0[c] }) }
        try self.init(names: names, columns: cols, rowCount: rows.count)
    }

    /// `pd.DataFrame(records)`: columns in first-seen key order, missing keys become nulls.
    public init(records: [JSONObject]) throws(TableError) {
        var order: [String] = []
        var seen = Set<String>()
        for r in records {
            for k in r.keys where seen.insert(k).inserted { order.append(k) }
        }
        let cols = order.map { k in Column(inferringFrom: records.map { $0[k] ?? .null }) }
        try self.init(names: order.map { .string($0) }, columns: cols, rowCount: records.count)
    }

    /// Reads `{"columns": [...]?, "data": [[...]], "index": [...]?}` (pandas split orient).
    public init(splitJSON value: JSONValue) throws(TableError) {
        guard case .object(let o) = value else {
            throw TableError("Dataframe split format must be a dictionary. Got \(value.pythonTypeName).")
        }
        for k in o.keys where !["columns", "data", "index"].contains(k) {
            throw TableError(
                "Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got unexpected field '\(k.prefix(40))'.")
        }
        var names: [ColumnName]? = nil
        if let c = o["columns"] {
            guard case .array(let items) = c else { throw TableError("'columns' must be a list, got \(c.pythonTypeName)") }
            var list: [ColumnName] = []
            for (i, item) in items.enumerated() {
                switch item {
                case .string(let s): list.append(.string(s))
                case .int(let v): list.append(.int(v))
                default: throw TableError("column label \(i) must be a string or an integer, got \(item.pythonTypeName)")
                }
            }
            names = list
        }
        guard let data = o["data"] else {
            throw TableError("Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields.")
        }
        guard case .array(let rowValues) = data else { throw TableError("'data' must be a list of rows, got \(data.pythonTypeName)") }
        var rows: [[JSONValue]] = []
        rows.reserveCapacity(rowValues.count)
        for (i, r) in rowValues.enumerated() {
            if case .array(let cells) = r {
                rows.append(cells)
            } else if names == nil || names?.count == 1 {
                rows.append([r])  // pandas accepts a flat list as a single column
            } else {
                throw TableError("row \(i) of 'data' must be a list, got \(r.pythonTypeName)")
            }
        }
        if let idx = o["index"], case .array(let labels) = idx, labels.count != rows.count {
            throw TableError("'index' has \(labels.count) labels for \(rows.count) rows")
        }
        try self.init(rows: rows, columns: names)
    }
}
