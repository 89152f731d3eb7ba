/// `_enforce_schema` for column-based schemas on a DataFrame: required columns present, extra
/// columns dropped with MLflow's warning (named schemas), columns reordered to schema order (or
/// taken positionally for unnamed schemas), each column checked with `_enforce_mlflow_datatype`
/// or, for composite types, value by value.
enum ColumnEnforcement {
    /// Most names a message lists (a request may have up to ``RequestParser/maxColumns`` columns).
    static let maxListed = 20

    /// Python's `repr()` of a list of names; a longer list shows its first ``maxListed`` names and how many more.
    static func pyList(_ names: [ColumnName]) -> String {
        let shown = names.prefix(maxListed).map(\.pythonRepr)
        let more = names.count > maxListed ? ", … (\(names.count - maxListed) more)" : ""
        return "[" + shown.joined(separator: ", ") + more + "]"
    }

    static func enforce(_ frame: Table, schema: Schema, warnings: inout [String]) throws(ScoringError) -> EnforcedInput {
        let specs = schema.columns
        var pairs: [(ColumnName, ColSpec, Column)] = []
        if schema.hasInputNames {
            let required = specs.filter(\.required).compactMap(\.name)
            let known = Set(specs.compactMap(\.name))
            let actual = frame.names
            let missing = required.filter { !actual.contains($0) }
            let extra = actual.filter { !known.contains($0) }
            if !missing.isEmpty {
                var message = "Model is missing inputs \(pyList(missing))."
                if !extra.isEmpty { message += " Note that there were extra inputs: \(pyList(extra))." }
                throw ScoringError(stage: .enforceInput, message, column: missing.first?.description)
            }
            if !extra.isEmpty {
                warnings.append(
                    "Found extra inputs in the model input that are not defined in the model signature: `\(pyList(extra))`. These inputs will be ignored.")
            }
            for spec in specs {
                guard let name = spec.name, let column = frame[name] else { continue }
                pairs.append((name, spec, column))
            }
        } else {
            if frame.columns.count < specs.count {
                throw ScoringError(
                    stage: .enforceInput,
                    "Model inference is missing inputs. The model signature declares \(specs.count) inputs  but the provided value only has \(frame.columns.count) inputs. Note: the inputs were not named in the signature so we can only verify their count.")
            }
            for (i, spec) in specs.enumerated() { pairs.append((frame.names[i], spec, frame.columns[i])) }
        }
        var names: [ColumnName] = []
        var columns: [Column] = []
        var types: [ColumnName: ColumnType] = [:]
        for (name, spec, column) in pairs {
            names.append(name)
            types[name] = spec.type
            columns.append(try enforce(column, name: name, spec: spec))
        }
        do {
            return EnforcedInput(input: .table(try Table(names: names, columns: columns, rowCount: frame.rowCount)), columnTypes: types)
        } catch {
            throw ScoringError(stage: .enforceInput, error.message)
        }
    }

    static func enforce(_ column: Column, name: ColumnName, spec: ColSpec) throws(ScoringError) -> Column {
        switch spec.type {
        case .scalar(let t):
            do {
                return try ColumnTypeEnforcement.enforce(column, name: name.description, type: t)
            } catch {
                throw ScoringError(stage: .enforceInput, error.message + Echo.location(column: name.description, row: nil),
                                       column: name.description, isDeviation: error.isDeviation)
            }
        case .any: return column
        default:
            var cells: [JSONValue] = []
            for row in 0..<column.count {
                do {
                    cells.append(try ColumnTypeEnforcement.enforce(column.json(at: row), type: spec.type, required: spec.required))
                } catch {
                    throw ScoringError(stage: .enforceInput, error.message + Echo.location(column: name.description, row: row),
                                           column: name.description, row: row, isDeviation: error.isDeviation)
                }
            }
            return Column(.boxed(cells))
        }
    }
}
