extension InputExample {
    /// Interprets the parsed `input_example.json` according to `saved_input_example_info`
    /// (`type`, `pandas_orient`, `params`), as MLflow's `_read_example` does.
    public init(inputExampleJSON json: JSONValue, info: [String: String]) throws(InputExampleError) {
        let file = info["artifact_path"] ?? InputExample.fileName
        var data = json
        if info["params"] != nil {
            guard case .object(let o) = json, let inputs = o["inputs"] else {
                throw InputExampleError("an example saved with params must be {\"inputs\": ..., \"params\": {...}}", file: file)
            }
            for k in o.keys where k != "inputs" && k != "params" {
                throw InputExampleError("unknown key '\(k.prefix(40))' next to 'inputs' and 'params'", file: file)
            }
            guard case .object(let p)? = o["params"] else {
                throw InputExampleError("'params' must be a JSON object", file: file)
            }
            params = p
            data = inputs
        } else {
            params = nil
        }
        guard let type = info["type"] else { throw InputExampleError("saved_input_example_info has no 'type'", file: file) }
        switch type {
        case "dataframe":
            let orient = info["pandas_orient"] ?? "split"
            guard orient == "split" || orient == "values" else {
                throw InputExampleError("unsupported pandas_orient '\(orient.prefix(20))' (expected split or values)", file: file)
            }
            do {
                let table = try Table(splitJSON: data)
                if orient == "values" && !table.hasDefaultLabels {
                    throw InputExampleError("pandas_orient 'values' examples have no 'columns'", file: file)
                }
                self.data = .dataframe(table)
            } catch let e as TableError {
                throw InputExampleError(e.message, file: file)
            } catch let e as InputExampleError {
                throw e
            } catch {
                throw InputExampleError("\(error)", file: file)
            }
        case "ndarray":
            do {
                if case .object(let o) = data {
                    self.data = .tensors(try o.map { (k, v) throws(TensorError) in (k, try Tensor(exampleJSON: v)) })
                } else {
                    self.data = .tensor(try Tensor(exampleJSON: data))
                }
            } catch {
                throw InputExampleError("ndarray example: \(error.message)", file: file)
            }
        case "json_object":
            self.data = .json(data)
        case "sparse_matrix_csr", "sparse_matrix_csc":
            do {
                self.data = .sparse(try SparseMatrix(json: data, format: type.hasSuffix("csr") ? .csr : .csc))
            } catch {
                throw InputExampleError(error.message, file: file)
            }
        default:
            throw InputExampleError("This version of mlflow can not load example of type \(type.prefix(40))", file: file)
        }
    }

    /// Reads `input_example.json` bytes (Python-flavoured JSON: `NaN`/`Infinity` allowed).
    public init(inputExampleBytes bytes: [UInt8], info: [String: String]) throws(InputExampleError) {
        let file = info["artifact_path"] ?? InputExample.fileName
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw InputExampleError(error.description, file: file)
        }
        try self.init(inputExampleJSON: json, info: info)
    }

    /// Checks that a serving example body is the one this example produces; returns a description
    /// of the first difference, or `nil` when they agree.
    public func servingMismatch(_ serving: JSONValue) -> String? {
        let expected = servingInputJSON
        if JSONWriter.python.string(expected) == JSONWriter.python.string(serving) { return nil }
        return "serving input example differs from the input example (expected keys \(expected.objectValue?.keys ?? []), got \(serving.objectValue?.keys ?? []))"
    }
}

extension Tensor {
    /// Reads an ndarray example (nested lists; `null` is NaN in numeric arrays).
    init(exampleJSON value: JSONValue) throws(TensorError) {
        try self.init(inferringFrom: value, nullAsNaN: true)
    }
}

extension JSONObject {
    func map<T>(_ transform: (String, JSONValue) throws(TensorError) -> T) throws(TensorError) -> [T] {
        var out: [T] = []
        for (k, v) in self { out.append(try transform(k, v)) }
        return out
    }
}
