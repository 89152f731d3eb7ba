/// `_enforce_tensor_schema` / `_enforce_tensor_spec`: named tensors from a dict of arrays or the
/// columns of a DataFrame, one unnamed tensor from an array or a DataFrame; shapes checked with
/// `-1` as a free dimension and dtypes compared exactly.
enum TensorEnforcement {
    static func fail(_ message: String, column: String? = nil, deviation: Bool = false) -> ScoringError {
        ScoringError(stage: .enforceInput, message + Echo.location(column: column, row: nil), column: column, isDeviation: deviation)
    }

    static func enforce(_ input: PyInput, schema: Schema, warnings: inout [String]) throws(ScoringError) -> ModelInput {
        let specs = schema.tensors
        if schema.hasInputNames {
            var available: [(String, () throws(ScoringError) -> Tensor)] = []
            switch input {
            case .dict(let d):
                for (k, cell) in d {
                    available.append((k, { () throws(ScoringError) -> Tensor in
                        guard case .array(let t) = cell else {
                            throw fail(
                                "This model contains a tensor-based model signature with input names, which suggests a dictionary input mapping input name to a numpy array, but a dict with value type <class '\(cell.json.pythonTypeName)'> was found.",
                                column: k)
                        }
                        return t
                    }))
                }
            case .frame(let table):
                for (name, column) in zip(table.names, table.columns) {
                    let spec = specs.first { $0.name == name }
                    available.append((name.description, { () throws(ScoringError) -> Tensor in
                        try tensor(from: column, name: name.description, dtype: spec?.dtype, rank: spec?.shape.count ?? 1)
                    }))
                }
            default:
                throw fail(
                    "This model contains a tensor-based model signature with input names, which suggests a dictionary input mapping input name to a numpy array, but an input of type \(input.pythonTypeText) was found.")
            }
            let names = specs.compactMap(\.name)
            let missing = names.filter { n in !available.contains { $0.0 == n.description } }
            let extra = available.map(\.0).filter { k in !names.contains { $0.description == k } }
            if !missing.isEmpty {
                var message = "Model is missing inputs \(ColumnEnforcement.pyList(missing))."
                if !extra.isEmpty { message += " Note that there were extra inputs: \(ColumnEnforcement.pyList(extra.map { .string($0) }))." }
                throw ScoringError(stage: .enforceInput, message, column: missing.first?.description)
            }
            if !extra.isEmpty {
                warnings.append(
                    "Found extra inputs in the model input that are not defined in the model signature: `\(ColumnEnforcement.pyList(extra.map { .string($0) }))`. These inputs will be ignored.")
            }
            var out: [ModelInput.NamedTensor] = []
            for spec in specs {
                guard let name = spec.name?.description, let make = available.first(where: { $0.0 == name })?.1 else { continue }
                out.append(.init(name: name, tensor: try check(try make(), spec, name: name)))
            }
            return .namedTensors(out)
        }
        guard let spec = specs.first else { throw fail("The tensor-based signature has no input.") }
        switch input {
        case .array(let t): return .tensor(try check(t, spec, name: nil))
        case .frame(let table):
            if table.rowCount == 0 || table.columns.isEmpty { throw fail("Input DataFrame is empty.") }
            if table.columns.count == 1 {
                return .tensor(try check(try tensor(from: table.columns[0], name: table.names[0].description, dtype: spec.dtype,
                                                    rank: spec.shape.count), spec, name: nil))
            }
            let width = table.columns.count
            guard spec.shape == [-1, width] else {
                throw fail(
                    "This model contains a model signature with an unnamed input. Since the input data is a pandas DataFrame containing multiple columns, the input shape must be of the structure (-1, number_of_dataframe_columns). However, the number of columns in the DataFrame is \(width) and the required shape is \(PythonRepr.tuple(spec.shape)).")
            }
            let rows: [JSONValue] = (0..<table.rowCount).map { .array(table.row($0)) }
            do {
                return .tensor(try check(try NumpyArrayBuilder.array(.array(rows), dtype: spec.dtype), spec, name: nil))
            } catch let e as NumpyArrayBuilder.Failure {
                throw ScoringError(stage: .parse, "Invalid input. Data is not compatible with model signature. \(e.message)",
                                       isDeviation: e.isDeviation)
            } catch let e as ScoringError {
                throw e
            } catch {
                throw fail("\(error)")
            }
        default:
            throw fail(
                "This model contains a tensor-based model signature with no input names, which suggests a numpy array input or a pandas dataframe input with proper column values, but an input of type \(input.pythonTypeText) was found.")
        }
    }

    /// A DataFrame column as an array: list cells are stacked (their dtype must then match),
    /// scalar cells are cast to `dtype` (shape `(n,)`, or `(n, 1)` for a rank-2 spec).
    static func tensor(from column: Column, name: String, dtype: NumpyDType?, rank: Int) throws(ScoringError) -> Tensor {
        let cells = column.jsonCells
        do {
            if cells.contains(where: { $0.arrayValue != nil }) {
                return try NumpyArrayBuilder.array(.array(cells), dtype: nil)
            }
            let flat = try NumpyArrayBuilder.array(.array(cells), dtype: dtype)
            if rank == 2, let t = try? Tensor(dtype: flat.dtype, shape: [flat.count, 1], storage: flat.storage) { return t }
            return flat
        } catch {
            throw ScoringError(
                stage: .parse,
                "Invalid input. Data is not compatible with model signature. Failed to convert column \(name) to type '\(dtype?.name ?? "object")'. Error: \(error.message)\(Echo.location(column: name, row: error.index))",
                column: name, row: error.index, isDeviation: error.isDeviation)
        }
    }

    static func sameKind(_ a: NumpyDType, _ b: NumpyDType) -> Bool {
        if a == b { return true }
        if case .datetime64 = a, case .datetime64 = b { return true }
        return false
    }

    /// `_enforce_tensor_spec`.
    static func check(_ t: Tensor, _ spec: TensorSpec, name: String?) throws(ScoringError) -> Tensor {
        let expected = spec.shape
        let actual = t.shape
        let mismatch = fail("Shape of input \(PythonRepr.tuple(actual)) does not match expected shape \(PythonRepr.tuple(expected)).", column: name)
        if expected == [-1] && spec.dtype == .object {
            // any 1-D object input
        } else if expected.count > 1 && expected.dropFirst().contains(-1) && actual.count == 1 && t.dtype == .object {
            // ragged rows of objects: each row is checked by the model
        } else {
            guard expected.count == actual.count else { throw mismatch }
            for (e, a) in zip(expected, actual) where e != -1 && e != a { throw mismatch }
        }
        guard sameKind(t.dtype, spec.dtype) else {
            throw fail("dtype of input \(t.dtype.name) does not match expected dtype \(spec.dtype.name)", column: name)
        }
        return t
    }
}
