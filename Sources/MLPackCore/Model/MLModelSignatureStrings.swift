/// The `signature` block of an `MLmodel` file as MLflow stores it: JSON strings (or null) for
/// `inputs`, `outputs` and `params`. Parsing the JSON into schema types happens elsewhere.
public struct MLModelSignatureStrings: Sendable, Hashable {
    /// The input schema JSON, e.g. `[{"type": "string", "required": true}]`.
    public var inputs: String?
    /// The output schema JSON.
    public var outputs: String?
    /// The params schema JSON.
    public var params: String?

    public init(inputs: String? = nil, outputs: String? = nil, params: String? = nil) {
        self.inputs = inputs
        self.outputs = outputs
        self.params = params
    }
}
