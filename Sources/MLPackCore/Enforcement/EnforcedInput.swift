/// The result of schema enforcement: what the model's `predict` receives.
public struct EnforcedInput: Sendable, Hashable {
    /// The input after enforcement (a table reordered to schema order with extra columns dropped,
    /// a tensor, named tensors, or — without a signature — the value as parsed).
    public var input: ModelInput
    /// The parameters after enforcement: the ones sent (converted), then every other schema
    /// parameter with its default. Empty when the model has no params schema.
    public var params: JSONObject
    /// MLflow's warnings for this request ("Found extra inputs …", "Unrecognized params …").
    public var warnings: [String]
    /// `false` for unified-LLM bodies (`messages`/`prompt`/`input`): the response is the raw
    /// predictions, not `{"predictions": …}`.
    public var wrapsPredictions: Bool
    /// The schema type of each table column (for column-based signatures), by column label.
    public var columnTypes: [ColumnName: ColumnType]

    public init(input: ModelInput, params: JSONObject = JSONObject(), warnings: [String] = [], wrapsPredictions: Bool = true,
                columnTypes: [ColumnName: ColumnType] = [:]) {
        self.input = input
        self.params = params
        self.warnings = warnings
        self.wrapsPredictions = wrapsPredictions
        self.columnTypes = columnTypes
    }
}
