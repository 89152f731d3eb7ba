/// A model signature (`mlflow.models.ModelSignature`): input and output schemas and parameters.
///
/// MLmodel stores it as three JSON strings (`signature.inputs`, `.outputs`, `.params`, each
/// possibly `null`); ``init(inputs:outputs:params:)`` parses them and ``jsonStrings`` produces
/// exactly the strings MLflow writes.
public struct ModelSignature: Sendable, Hashable {
    public var inputs: Schema?
    public var outputs: Schema?
    public var params: ParamSchema?

    /// A signature from parsed parts.
    public init(inputs: Schema?, outputs: Schema? = nil, params: ParamSchema? = nil) {
        self.inputs = inputs
        self.outputs = outputs
        self.params = params
    }

    /// Parses the three MLmodel strings; errors name the part (`inputs`/`outputs`/`params`) and path.
    public init(inputs: String?, outputs: String?, params: String?) throws(SignatureError) {
        self.inputs = try inputs.map { (s: String) throws(SignatureError) in try Schema(jsonString: s, part: "inputs") }
        self.outputs = try outputs.map { (s: String) throws(SignatureError) in try Schema(jsonString: s, part: "outputs") }
        self.params = try params.map { (s: String) throws(SignatureError) in try ParamSchema(jsonString: s) }
    }

    /// The MLmodel strings, `nil` for absent parts (MLflow writes `null`; an empty parameter
    /// schema is falsy in Python and also written as `null`).
    public var jsonStrings: (inputs: String?, outputs: String?, params: String?) {
        (inputs?.jsonString, outputs?.jsonString, params.flatMap { $0.params.isEmpty ? nil : $0.jsonString })
    }

    /// `ModelSignature.to_dict()`: `{"inputs": str|null, "outputs": str|null, "params": str|null}`.
    public var dictionary: JSONObject {
        var o = JSONObject()
        o["inputs"] = inputs.map { .string($0.jsonString) } ?? .null
        o["outputs"] = outputs.map { .string($0.jsonString) } ?? .null
        o["params"] = jsonStrings.params.map { .string($0) } ?? .null
        return o
    }
}
