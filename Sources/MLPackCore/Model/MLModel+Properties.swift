import MLPackYAML

extension MLModel {
    /// `artifact_path`: where `log_model` stored the model (absent for `save_model`).
    public var artifactPath: String? {
        get { string("artifact_path") }
        set { setString("artifact_path", newValue, keepNull: false) }
    }

    /// `run_id`: the run that logged the model (absent for `save_model`).
    public var runID: String? {
        get { string("run_id") }
        set { setString("run_id", newValue, keepNull: false) }
    }

    /// `model_uuid`: 32 hex digits (`save_model`) or the `m-…` model id (`log_model`).
    public var modelUUID: String? {
        get { string("model_uuid") }
        set { setString("model_uuid", newValue, keepNull: true) }
    }

    /// `model_id`: `m-<32 hex>` for logged models, `null` for `save_model` (always written).
    public var modelID: String? {
        get { string("model_id") }
        set { setString("model_id", newValue, keepNull: true) }
    }

    /// `mlflow_version`, e.g. `3.17.2`.
    public var mlflowVersion: String? {
        get { string("mlflow_version") }
        set { setString("mlflow_version", newValue, keepNull: false) }
    }

    /// `utc_time_created` in Python's `str(datetime)` form (`2026-11-29 01:34:04.149897`).
    public var utcTimeCreated: String? {
        get { string("utc_time_created") }
        set { setString("utc_time_created", newValue, keepNull: false) }
    }

    /// `databricks_runtime` (written only on Databricks).
    public var databricksRuntime: String? {
        get { string("databricks_runtime") }
        set { setString("databricks_runtime", newValue, keepNull: false) }
    }

    /// `model_size_bytes`: total size of the model files when the model was saved.
    public var modelSizeBytes: Int? {
        get { fields["model_size_bytes"]?.intValue }
        set { fields["model_size_bytes"] = newValue.map(YAMLValue.int) }
    }

    /// `prompts`: linked prompt URIs; written as `null` when there are none (as MLflow does).
    public var prompts: [String]? {
        get { strings("prompts") }
        set { fields["prompts"] = newValue.map { .sequence($0.map(YAMLValue.string)) } ?? .null }
    }

    /// `env_vars`: names of environment variables the model reads (absent when nil).
    public var envVars: [String]? {
        get { strings("env_vars") }
        set { fields["env_vars"] = newValue.map { .sequence($0.map(YAMLValue.string)) } }
    }

    /// `metadata`: free-form user metadata.
    public var metadata: YAMLMapping? {
        get { mapping("metadata") }
        set { setMapping("metadata", newValue) }
    }

    /// `resources`: Databricks resource declarations.
    public var resources: YAMLMapping? {
        get { mapping("resources") }
        set { setMapping("resources", newValue) }
    }

    /// `auth_policy`: Databricks auth policy.
    public var authPolicy: YAMLMapping? {
        get { mapping("auth_policy") }
        set { setMapping("auth_policy", newValue) }
    }

    /// `wheels`: written by MLflow when libraries were bundled as wheels.
    public var wheels: YAMLMapping? {
        get { mapping("wheels") }
        set { setMapping("wheels", newValue) }
    }

    /// `saved_input_example_info` (its keys: `artifact_path`, `type`, `pandas_orient`,
    /// `serving_input_path`, `params`, …).
    public var savedInputExampleInfo: YAMLMapping? {
        get { mapping("saved_input_example_info") }
        set { setMapping("saved_input_example_info", newValue) }
    }

    /// `flavors`, in file order. Setting replaces the whole block (order kept; output is sorted).
    public var flavors: [MLModelFlavor] {
        get {
            guard let map = mapping("flavors") else { return [] }
            return map.entries.compactMap { e in
                guard let name = e.key.stringValue, let config = e.value.mappingValue else { return nil }
                return MLModelFlavor(name: name, config: config)
            }
        }
        set {
            fields["flavors"] = .mapping(YAMLMapping(newValue.map { (YAMLValue.string($0.name), YAMLValue.mapping($0.config)) }))
        }
    }

    /// The flavor with this name, if present.
    public func flavor(named name: String) -> MLModelFlavor? {
        flavors.first { $0.name == name }
    }

    /// Adds a flavor, or replaces the one with the same name in place.
    public mutating func setFlavor(_ flavor: MLModelFlavor) {
        var list = flavors
        if let i = list.firstIndex(where: { $0.name == flavor.name }) { list[i] = flavor } else { list.append(flavor) }
        flavors = list
    }

    /// Removes the flavor with this name.
    public mutating func removeFlavor(named name: String) {
        flavors = flavors.filter { $0.name != name }
    }

    /// The `signature` block parsed into schemas, nil when the model has none. Parsed once (when
    /// the model was read, built or its signature set), so reading this costs nothing; throws the
    /// parse error, which names the part (`inputs`/`outputs`/`params`) and the JSON path at fault.
    public var parsedSignature: ModelSignature? {
        get throws(SignatureError) { try signatureParse.get() }
    }

    /// The `signature` block as raw JSON strings (nil when the model has no signature).
    public var signature: MLModelSignatureStrings? {
        guard let block = mapping("signature") else { return nil }
        return MLModelSignatureStrings(
            inputs: block["inputs"]?.stringValue, outputs: block["outputs"]?.stringValue,
            params: block["params"]?.stringValue)
    }

    /// `is_signature_from_type_hint` (present iff there is a signature).
    public var isSignatureFromTypeHint: Bool? { fields["is_signature_from_type_hint"]?.boolValue }

    /// `type_hint_from_example` (present iff there is a signature).
    public var typeHintFromExample: Bool? { fields["type_hint_from_example"]?.boolValue }

    /// Sets the signature as MLflow's `Model.to_dict` writes it: all three JSON strings (`null`
    /// when absent) plus the two type-hint flags; nil removes the signature and both flags.
    public mutating func setSignature(
        _ signature: MLModelSignatureStrings?, fromTypeHint: Bool = false, typeHintFromExample: Bool = false
    ) {
        guard let signature else {
            fields["signature"] = nil
            fields["is_signature_from_type_hint"] = nil
            fields["type_hint_from_example"] = nil
            signatureParse = .success(nil)
            return
        }
        let text = { (s: String?) -> YAMLValue in s.map(YAMLValue.string) ?? .null }
        fields["signature"] = .mapping(["inputs": text(signature.inputs), "outputs": text(signature.outputs), "params": text(signature.params)])
        fields["is_signature_from_type_hint"] = .bool(fromTypeHint)
        fields["type_hint_from_example"] = .bool(typeHintFromExample)
        signatureParse = Self.parseSignature(fields)
    }

    /// Sets the signature from parsed schemas: writes MLflow's JSON strings (as the
    /// string-based `setSignature` does); ``parsedSignature`` then holds what a reader of the
    /// written file gets (an empty parameter schema, for instance, is written as `null`).
    public mutating func setSignature(_ signature: ModelSignature, fromTypeHint: Bool = false, typeHintFromExample: Bool = false) {
        let j = signature.jsonStrings
        setSignature(
            MLModelSignatureStrings(inputs: j.inputs, outputs: j.outputs, params: j.params),
            fromTypeHint: fromTypeHint, typeHintFromExample: typeHintFromExample)
    }
}
