/// `_enforce_params_schema`: unknown params dropped with MLflow's warning, sent params validated
/// and converted (`ParamSpec.validate_type_and_shape`), every other param filled with its default.
enum ParamsEnforcement {
    typealias Refusal = NumpyArrayBuilder.Failure

    static func enforce(_ params: JSONValue?, schema: ParamSchema?) throws(ScoringError) -> (JSONObject, [String]) {
        guard let schema else {
            guard let params, !params.isNull else { return (JSONObject(), []) }
            if case .object(let o) = params, o.isEmpty { return (JSONObject(), []) }
            let info = params.objectValue.map { "Ignoring provided params: [\($0.keys.map { Echo.repr($0) }.joined(separator: ", "))]" }
                ?? "Ignoring invalid params provided."
            return (JSONObject(), [
                "`params` can only be specified at inference time if the model signature defines a params schema. This model does not define a params schema. \(info)",
            ])
        }
        var given = JSONObject()
        if let params, !params.isNull {
            guard case .object(let o) = params else {
                throw ScoringError(stage: .enforceParams, "Parameters must be a dictionary. Got type '\(params.pythonTypeName)'.",
                                       column: "params")
            }
            given = o
        }
        var warnings: [String] = []
        let allowed = schema.params.map(\.name)
        let ignored = given.keys.filter { !allowed.contains($0) }
        if !ignored.isEmpty {
            warnings.append(
                "Unrecognized params [\(ignored.map { Echo.repr($0) }.joined(separator: ", "))] are ignored for inference. Supported params are: {\(allowed.map { PythonRepr.string($0) }.joined(separator: ", "))}. To enable them, please add corresponding schema in ModelSignature.")
        }
        var out = JSONObject()
        for k in given.keys where allowed.contains(k) { out[k] = given[k] }
        var invalid: [(String, String, Bool)] = []
        for spec in schema.params {
            if let v = out[spec.name] {
                do {
                    out[spec.name] = try validate(v, spec)
                } catch {
                    invalid.append((spec.name, error.message, error.isDeviation))
                }
            } else {
                out[spec.name] = spec.default
            }
        }
        if !invalid.isEmpty {
            let items = invalid.map { "(\(PythonRepr.string($0.0)), \(PythonRepr.string($0.1)))" }.joined(separator: ", ")
            throw ScoringError(stage: .enforceParams, "Invalid parameters found: {\(items)}", column: invalid[0].0,
                                   isDeviation: invalid.contains { $0.2 })
        }
        return (out, warnings)
    }

    /// `ParamSpec.validate_param_spec`.
    static func validate(_ value: JSONValue, _ spec: ParamSpec) throws(Refusal) -> JSONValue {
        let specText = spec.pythonRepr
        if value.isNull { return .null }
        if spec.shape == [-1] {
            guard case .array(let items) = value, !items.contains(where: { $0.arrayValue != nil }) else {
                let ndim = (try? NumpyArrayBuilder.shape(of: value).count) ?? 1
                throw Refusal(
                    "Value must be a 1D array with shape (-1,) for param \(specText), received \(value.pythonTypeName) with ndim \(ndim)")
            }
            var out: [JSONValue] = []
            for item in items { out.append(try convert(item, spec, specText)) }
            return .array(out)
        }
        return try convert(value, spec, specText)
    }

    static func convert(_ value: JSONValue, _ spec: ParamSpec, _ specText: String) throws(Refusal) -> JSONValue {
        let prefix = "Failed to validate type and shape for \(specText), error: "
        switch spec.type {
        case .object(let o):
            do {
                _ = try ColumnTypeEnforcement.enforceObject(value, o, required: true)
                return value
            } catch {
                throw Refusal(prefix + error.message)
            }
        case .scalar(let t):
            if value.isNull { return .null }
            if t == .datetime {
                guard case .string(let s) = value, !DatetimeText.hasTimezone(s), let d = ISODateTime.parse(s) else {
                    throw Refusal(prefix + "Failed to convert value `\(Echo.str(value))` from type `<class '\(value.pythonTypeName)'>` to `DataType.datetime`")
                }
                if d.nanosecond % 1000 != 0 {
                    throw Refusal(prefix + "Failed to convert value to `DataType.datetime`. It must be convertible to datetime.date/datetime, got `\(Echo.str(value))`")
                }
                return .string(d.isoformat)
            }
            guard ColumnTypeEnforcement.isScalar(value) else {
                throw Refusal(prefix + "Value must be a scalar for type `DataType.\(t.rawValue)`, got `\(Echo.str(value))`")
            }
            switch (t, value) {
            case (.boolean, .bool), (.string, .string), (.integer, .int), (.integer, .bigInt), (.long, .int), (.long, .bigInt):
                return value
            case (.float, .int(let i)), (.double, .int(let i)): return .double(Double(i))
            case (.float, .bigInt(let s)), (.double, .bigInt(let s)): return .double(Double(s) ?? .nan)
            case (.float, .double), (.double, .double): return value
            default:
                throw Refusal(
                    prefix + "Can not safely convert `<class '\(value.pythonTypeName)'>` to `DataType.\(t.rawValue)` for value `\(Echo.str(value))`")
            }
        }
    }
}
