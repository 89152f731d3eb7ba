/// The outer shape of a JSON `/invocations` body, checked the way MLflow's
/// `_decode_json_input` / `_parse_json_data` / `infer_and_parse_data` check it.
public struct InvocationEnvelope: Sendable, Equatable {
    /// Which of MLflow's request forms the body uses.
    public enum Format: String, Sendable, CaseIterable {
        case dataframeSplit = "dataframe_split"
        case dataframeRecords = "dataframe_records"
        case instances
        case inputs
        /// MLflow's unified LLM form: the object has `messages`, `prompt` or `input`; the whole
        /// object is the data and the answer is not wrapped in `predictions`.
        case unifiedLLM = "unified_llm"
    }

    public var format: Format
    /// The top-level keys in order.
    public var keys: [String]
    /// Whether a `params` key is present (standard form only).
    public var hasParams: Bool
    /// Rows counted for the row cap: the length of the data array (`data` for `dataframe_split`),
    /// the longest column list for a dict of columns, 1 for a scalar.
    public var rowCount: Int

    /// The four standard format keys in the order MLflow 3.17 prints its set (`PYTHONHASHSEED=0`).
    public static let formatKeysRepr = "{'dataframe_records', 'dataframe_split', 'instances', 'inputs'}"
    static let requiredInputFormat =
        "The input must be a JSON dictionary with exactly one of the input fields \(formatKeysRepr)"
    static let llmKeys: Set<String> = ["messages", "prompt", "input"]
    static let standardKeys: Set<String> = [
        Format.dataframeSplit.rawValue, Format.dataframeRecords.rawValue, Format.instances.rawValue,
        Format.inputs.rawValue,
    ]

    /// Reads the envelope from a scan summary, or throws MLflow's error for a body that is not
    /// a JSON object with exactly one format key.
    public init(summary: JSONScanner.Summary) throws(ScoringError) {
        guard summary.topLevel == .object else {
            if summary.topLevel == .array {
                throw .badRequest("Invalid input. \(Self.requiredInputFormat). Received a list.")
            }
            throw .badRequest(
                "Invalid input. \(Self.requiredInputFormat). Received unexpected input type '\(summary.topLevel.pythonTypeRepr(integer: summary.topLevelIsIntegerLiteral)).")
        }
        keys = summary.members.map(\.key)
        if summary.members.contains(where: { Self.llmKeys.contains($0.key) }) {
            format = .unifiedLLM
            hasParams = false
            rowCount = Self.rows(ofObjectMembers: summary.members)
            return
        }
        let formatKeys = keys.filter { Self.standardKeys.contains($0) }
        guard formatKeys.count == 1, let key = formatKeys.first, let member = summary.member(key),
            let format = Format(rawValue: key)
        else {
            let listed = formatKeys.map { "'\($0)'" }.joined(separator: ", ")
            throw .badRequest(
                "\(Self.requiredInputFormat). Received dictionary with input fields: [\(listed)]. "
                    + ContentTypeCheck.scoringProtocolChangeInfo)
        }
        self.format = format
        hasParams = summary.member("params") != nil
        switch (format, member.kind) {
        case (.dataframeSplit, .object):
            rowCount = member.dataArrayCount ?? 0
        case (_, .array):
            rowCount = member.arrayCount ?? 0
        case (_, .object):
            rowCount = member.largestMemberArrayCount ?? 1
        default:
            rowCount = 1
        }
    }

    static func rows(ofObjectMembers members: [JSONScanner.Member]) -> Int {
        var rows = 1
        for member in members {
            if let count = member.arrayCount { rows = max(rows, count) }
            if let count = member.largestMemberArrayCount { rows = max(rows, count) }
        }
        return rows
    }
}
