import FuzzSupport
import MLPackCore

/// A column signature of every scalar type (the enforcement fixtures' `c_coltypes`), optional columns.
let schema = try! Schema(jsonString: #"[{"type": "string", "name": "s", "required": true}, {"type": "long", "name": "l", "required": false}, {"type": "integer", "name": "i", "required": false}, {"type": "double", "name": "d", "required": false}, {"type": "float", "name": "f", "required": false}, {"type": "boolean", "name": "b", "required": false}, {"type": "binary", "name": "bin", "required": false}]"#)

/// A CSV request body, read as `text/csv` requests are: untyped (pandas' inference) and typed by a
/// column signature. A table read from the body has one column per header field and no more rows
/// than the body has records after its header.
func fuzzOne(_ bytes: [UInt8]) {
    for typing in [nil, schema] {
        guard let table = try? CSVReader.table(bytes, schema: typing) else { continue }
        guard let records = try? CSVReader.records(bytes), let header = records.first else {
            fatalError("a CSV body read as a table has no records")
        }
        fuzzCheck(table.names.count == header.fields.count, "\(table.names.count) columns for a header of \(header.fields.count) fields")
        fuzzCheck(table.rowCount <= records.count - 1, "\(table.rowCount) rows from \(records.count - 1) records")
    }
}
