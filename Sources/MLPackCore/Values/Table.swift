/// A table of named (or positionally labelled) typed columns: the value model for DataFrame-shaped
/// data (`dataframe_split`, `dataframe_records`, CSV, column-based signatures).
///
/// Column labels are ``ColumnName``s; a table built without names gets the integer labels
/// `0..<n`, as a pandas DataFrame does.
public struct Table: Sendable, Hashable {
    /// The column labels, one per column.
    public private(set) var names: [ColumnName]
    /// The columns, all of length ``rowCount``.
    public private(set) var columns: [Column]
    /// The number of rows.
    public let rowCount: Int

    /// A table; every column must have `rowCount` cells and names must be unique.
    public init(names: [ColumnName], columns: [Column], rowCount: Int) throws(TableError) {
        guard names.count == columns.count else {
            throw TableError("\(names.count) column names for \(columns.count) columns")
        }
        var seen = Set<ColumnName>()
        for n in names where !seen.insert(n).inserted { throw TableError("column \(n.pythonRepr) given twice") }
        for (n, c) in zip(names, columns) where c.count != rowCount {
            throw TableError("column \(n.pythonRepr) has \(c.count) values, expected \(rowCount)")
        }
        self.names = names
        self.columns = columns
        self.rowCount = rowCount
    }

    /// `true` when the labels are the default integer labels `0..<n`.
    public var hasDefaultLabels: Bool {
        names.enumerated().allSatisfy { $0.element == .int(Int64($0.offset)) }
    }

    /// The column labelled `name`.
    public subscript(name: ColumnName) -> Column? {
        names.firstIndex(of: name).map { columns[$0] }
    }

    /// Row `row` as JSON cells.
    public func row(_ row: Int) -> [JSONValue] { columns.map { $0.json(at: row) } }

    /// `{"columns": [...], "data": [[...], ...]}` (pandas `to_dict(orient="split")` without the index);
    /// `columns` is left out for default integer labels (MLflow's `pandas_orient: values`).
    public var splitJSON: JSONValue {
        var o = JSONObject()
        if !hasDefaultLabels { o["columns"] = .array(names.map(\.json)) }
        o["data"] = .array((0..<rowCount).map { .array(row($0)) })
        return .object(o)
    }

    /// `[{"col": value, ...}, ...]` (pandas `to_dict(orient="records")`; keys are the label texts).
    public var recordsJSON: JSONValue {
        .array((0..<rowCount).map { r in
            var o = JSONObject()
            for (n, c) in zip(names, columns) { o[n.description] = c.json(at: r) }
            return .object(o)
        })
    }
}

/// A table that cannot be built: ragged rows, repeated columns, bad split payloads.
public struct TableError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
