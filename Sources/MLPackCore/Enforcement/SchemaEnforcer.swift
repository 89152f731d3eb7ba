/// Schema enforcement at predict time, as MLflow 3.17's scoring server and `PyFuncModel.predict`
/// do it (`infer_and_parse_data`, `dataframe_from_parsed_json`, `parse_tf_serving_input`,
/// `_enforce_schema`, `_enforce_params_schema`), with deliberate refusals where MLflow silently
/// changes values (listed in docs/compatibility.md, "Schema enforcement").
///
/// Three entry points: a request body (``enforce(body:contentType:signature:parser:)``), an
/// already-parsed request (``enforce(_:signature:)``), and a value handed to `predict` directly,
/// without the serving casts (``enforce(input:params:signature:)``).
public enum SchemaEnforcer {
    /// Parses `body` (a CSV body's columns typed by the signature) and enforces `signature` on it.
    public static func enforce(body: [UInt8], contentType: RequestContentType, signature: ModelSignature?,
                               parser: RequestParser = RequestParser()) throws(ScoringError) -> EnforcedInput {
        try enforce(parser.parse(body, contentType: contentType, schema: signature?.inputs), signature: signature)
    }

    /// Enforces `signature` on a parsed request: the serving casts, then `_enforce_schema`, then the params.
    public static func enforce(_ request: ScoringRequest, signature: ModelSignature?) throws(ScoringError) -> EnforcedInput {
        var warnings: [String] = []
        let schema = signature?.inputs
        var result: EnforcedInput
        var sentParams: JSONValue? = request.params.map { .object($0) }
        switch request.payload {
        case .unifiedLLM(let body):
            var data = body
            var split = JSONObject()
            for p in signature?.params?.params ?? [] where data.contains(p.name) {
                split[p.name] = data[p.name]
                data[p.name] = nil
            }
            sentParams = .object(split)
            if let schema {
                result = try enforceInput(.plain(.object(data)), schema: schema, warnings: &warnings)
            } else {
                result = EnforcedInput(input: .value(.object(data)))
            }
            result.wrapsPredictions = false
        case .table(let table, let source):
            guard let schema else {
                result = EnforcedInput(input: .table(table))
                break
            }
            if schema.isTensorSpec {
                if source == .csv {
                    throw ScoringError(
                        stage: .parse,
                        ScoringMessages.csvForTensorSignature)
                }
                result = try enforceInput(.frame(table), schema: schema, warnings: &warnings)
            } else {
                let cast = try FrameCasting.cast(table, schema: schema, csv: source == .csv)
                result = try enforceInput(.frame(cast), schema: schema, warnings: &warnings)
            }
        case .json(let value, let field):
            let converted = try ServingConversion.convert(value, field: field, schema: schema)
            if let schema {
                result = try enforceInput(converted, schema: schema, warnings: &warnings)
            } else {
                result = EnforcedInput(input: unschematized(converted))
            }
        }
        let (params, paramWarnings) = try ParamsEnforcement.enforce(sentParams, schema: signature?.params)
        result.params = params
        result.warnings = warnings + paramWarnings
        return result
    }

    /// Enforces `signature` on a value given to `predict` directly (no serving casts: a table's
    /// column dtypes and a tensor's dtype must already be compatible, as for pandas/numpy inputs
    /// in MLflow); `.value` is a plain Python value (dict, list, scalar).
    public static func enforce(input: ModelInput, params: JSONObject?, signature: ModelSignature?) throws(ScoringError) -> EnforcedInput {
        var warnings: [String] = []
        var result: EnforcedInput
        if let schema = signature?.inputs {
            let py: PyInput
            switch input {
            case .table(let t): py = .frame(t)
            case .tensor(let t): py = .array(t)
            case .namedTensors(let ts): py = .dict(ts.map { ($0.name, .array($0.tensor)) })
            case .value(let v): py = .plain(v)
            }
            result = try enforceInput(py, schema: schema, warnings: &warnings)
        } else {
            result = EnforcedInput(input: input)
        }
        let (p, paramWarnings) = try ParamsEnforcement.enforce(params.map { .object($0) }, schema: signature?.params)
        result.params = p
        result.warnings = warnings + paramWarnings
        return result
    }

    /// The model input for a model without a signature (the arrays MLflow's parser built).
    static func unschematized(_ py: PyInput) -> ModelInput {
        switch py {
        case .frame(let t): return .table(t)
        case .array(let t): return .tensor(t)
        case .dict(let d):
            var tensors: [ModelInput.NamedTensor] = []
            for (k, cell) in d {
                switch cell {
                case .array(let t): tensors.append(.init(name: k, tensor: t))
                case .plain: return .value(.object(JSONObject(d.map { ($0.0, $0.1.json) })))
                }
            }
            return .namedTensors(tensors)
        case .records(let rows): return .value(.array(rows.map { .object(JSONObject($0.map { ($0.0, $0.1.json) })) }))
        case .plain(let v): return .value(v)
        }
    }

    /// `_enforce_schema`.
    static func enforceInput(_ py: PyInput, schema: Schema, warnings: inout [String]) throws(ScoringError) -> EnforcedInput {
        if schema.isTensorSpec {
            return EnforcedInput(input: try TensorEnforcement.enforce(py, schema: schema, warnings: &warnings))
        }
        let frame = try FrameBuilding.frame(py, schema: schema)
        return try ColumnEnforcement.enforce(frame, schema: schema, warnings: &warnings)
    }
}
