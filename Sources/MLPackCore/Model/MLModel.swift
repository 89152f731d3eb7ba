import Foundation
import MLPackYAML

/// The `MLmodel` file of an MLflow model directory.
///
/// All top-level keys are kept in one ordered mapping, so unknown keys (and the difference
/// between an absent key and an explicit `null`) survive a read/write round trip; the typed
/// properties read and write that mapping. Reading validates the type of every known key, so
/// the getters never meet a wrongly typed value. Writing produces exactly what MLflow's
/// `Model.to_yaml` (`yaml.safe_dump(..., default_flow_style=False)`) produces for the same data.
public struct MLModel: Sendable, Hashable {
    /// File name of the model description inside a model directory.
    public static let fileName = "MLmodel"

    /// Every top-level key, in file (or insertion) order. Output is sorted anyway.
    public internal(set) var fields: YAMLMapping

    /// The `signature` block parsed into a ``ModelSignature``: done once, when the model is read,
    /// built or its signature set (see ``parsedSignature``), never again by the readers.
    var signatureParse: Result<ModelSignature?, SignatureError>

    /// A model description holding exactly `fields` (validated like a file would be).
    public init(fields: YAMLMapping, file: String = MLModel.fileName) throws(MLModelError) {
        try Self.validate(YAMLNode.synthesized(.mapping(fields)), file: file)
        self.fields = fields
        self.signatureParse = Self.parseSignature(fields)
    }

    /// A new model description shaped like MLflow's `save_model` writes it: `flavors`,
    /// `mlflow_version`, `model_id: null`, `model_uuid`, `prompts: null`, `utc_time_created`.
    public init(
        flavors: [MLModelFlavor] = [],
        mlflowVersion: String = MLPack.mlflowCompatibleVersion,
        modelUUID: String = MLModel.newModelUUID(),
        utcTimeCreated: Date = Date()
    ) {
        fields = YAMLMapping()
        signatureParse = .success(nil)
        self.flavors = flavors
        fields["mlflow_version"] = .string(mlflowVersion)
        fields["model_id"] = .null
        fields["model_uuid"] = .string(modelUUID)
        fields["prompts"] = .null
        fields["utc_time_created"] = .string(Self.formatUTCTimeCreated(utcTimeCreated))
    }

    /// A fresh `model_uuid` as `save_model` makes it: `uuid4().hex` (32 lowercase hex digits).
    public static func newModelUUID() -> String {
        UUID().uuidString.lowercased().filter { $0 != "-" }
    }

    /// Python's `str(datetime.utcnow())`: `YYYY-MM-DD HH:MM:SS.ffffff`, without the fraction
    /// when the microseconds are zero.
    public static func formatUTCTimeCreated(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let seconds = date.timeIntervalSince1970
        var whole = seconds.rounded(.down)
        var micros = Int(((seconds - whole) * 1_000_000).rounded())
        if micros == 1_000_000 {
            whole += 1
            micros = 0
        }
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: whole))
        func pad(_ v: Int?, _ n: Int) -> String {
            let s = String(v ?? 0)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        var text = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2)) \(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        if micros != 0 { text += "." + pad(micros, 6) }
        return text
    }

    // MARK: - Equality (of the file's content; the parsed signature is derived from it)

    public static func == (a: MLModel, b: MLModel) -> Bool { a.fields == b.fields }

    public func hash(into hasher: inout Hasher) { hasher.combine(fields) }

    // MARK: - Generic access

    /// The raw value of a top-level key (nil when absent, `.null` when written as null).
    public subscript(key: String) -> YAMLValue? { fields[key] }

    /// Sets or removes a key that is not one of the typed properties (e.g. `mlpack_version`).
    /// Known keys must go through their typed property so they keep the type MLflow expects.
    public mutating func setExtraField(_ key: String, _ value: YAMLValue?) throws(MLModelError) {
        guard !Self.knownKeys.contains(key) else { throw .reservedKey(key: key) }
        fields[key] = value
    }

    /// Top-level keys MLflow 3.17/3.18 knows, each with the type it holds.
    public static let knownKeys: [String] = [
        "artifact_path", "auth_policy", "databricks_runtime", "env_vars", "flavors",
        "is_signature_from_type_hint", "metadata", "mlflow_version", "model_id", "model_size_bytes",
        "model_uuid", "prompts", "resources", "run_id", "saved_input_example_info", "signature",
        "type_hint_from_example", "utc_time_created", "wheels",
    ]

    /// Keys present in the file that MLflow does not define (kept as they are).
    public var unknownKeys: [String] {
        fields.keys.compactMap(\.stringValue).filter { !Self.knownKeys.contains($0) }
    }

    // MARK: - Helpers for typed properties

    func string(_ key: String) -> String? { fields[key]?.stringValue }

    /// Sets a string key; nil writes `null` when `keepNull`, else removes the key.
    mutating func setString(_ key: String, _ value: String?, keepNull: Bool) {
        if let value { fields[key] = .string(value) } else { fields[key] = keepNull ? .null : nil }
    }

    func mapping(_ key: String) -> YAMLMapping? { fields[key]?.mappingValue }

    mutating func setMapping(_ key: String, _ value: YAMLMapping?) {
        fields[key] = value.map(YAMLValue.mapping)
    }

    func strings(_ key: String) -> [String]? {
        fields[key]?.sequenceValue?.compactMap(\.stringValue)
    }
}
