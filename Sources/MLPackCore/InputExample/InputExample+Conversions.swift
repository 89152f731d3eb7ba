extension InputExample {
    /// The example MLflow's `_Example` makes from the value a request body stands for: a
    /// DataFrame for `dataframe_split`/`dataframe_records`/CSV/JSON Lines, the JSON value of
    /// `inputs`/`instances` (a `json_object` example), with the body's `params`.
    public init(request: ScoringRequest) {
        switch request.payload {
        case .table(let table, _): self.init(data: .dataframe(table), params: request.params)
        case .json(let value, _): self.init(data: .json(value), params: request.params)
        case .unifiedLLM(let object): self.init(data: .json(.object(object)), params: request.params)
        }
    }

    /// What a model's `predict` receives for this example (no enforcement applied).
    public var modelInput: ModelInput {
        switch data {
        case .dataframe(let t): return .table(t)
        case .tensor(let t): return .tensor(t)
        case .tensors(let list): return .namedTensors(list.map { ModelInput.NamedTensor(name: $0.name, tensor: $0.tensor) })
        case .json(let v): return .value(v)
        case .sparse(let s): return .value(s.denseJSON)
        }
    }

    /// The Python value `infer_signature` sees for this example.
    public var sample: SampleValue {
        switch data {
        case .dataframe(let t): return .dataFrame(t)
        case .tensor(let t): return .ndarray(t)
        case .tensors(let list): return .dict(list.map { SampleValue.DictEntry($0.name, .ndarray($0.tensor)) })
        case .json(let v): return SampleValue(json: v)
        case .sparse(let s):
            if let t = try? Tensor(inferringFrom: s.denseJSON) { return .ndarray(t) }
            return SampleValue(json: s.denseJSON)
        }
    }
}

extension PredictionOutput {
    /// The Python value `infer_signature` sees for this output.
    public var sample: SampleValue {
        switch self {
        case .tensor(let t): return .ndarray(t)
        case .table(let t): return .dataFrame(t)
        case .value(let v): return SampleValue(json: v)
        }
    }
}
