/// Why a YAML document could not be read. Every case names the file and, where there is one,
/// the position (1-based line and column) of the fault.
public enum YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libyaml's scanner or parser rejected the text (`problem`, and `context` with its position).
    case syntax(file: String, mark: YAMLMark, problem: String, context: String?, contextMark: YAMLMark?)
    /// The input is larger than the configured limit.
    case inputTooLarge(file: String, size: Int, limit: Int)
    /// Collections nest deeper than the configured limit.
    case nestingTooDeep(file: String, mark: YAMLMark, limit: Int)
    /// More nodes than the configured limit.
    case tooManyNodes(file: String, mark: YAMLMark, limit: Int)
    /// An anchor (`&name`) or alias (`*name`): refused, they enable "billion laughs" expansion.
    case anchorOrAlias(file: String, mark: YAMLMark, name: String)
    /// A key appears twice in one mapping (PyYAML keeps the last; mlpack refuses).
    case duplicateKey(file: String, mark: YAMLMark, key: String)
    /// A merge key (`<<`): not supported without aliases.
    case mergeKey(file: String, mark: YAMLMark)
    /// A tag that `SafeLoader` cannot construct, or that mlpack does not support.
    case unsupportedTag(file: String, mark: YAMLMark, tag: String)
    /// A scalar whose text is not valid for its (explicit or resolved) type.
    case invalidScalar(file: String, mark: YAMLMark, tag: String, text: String)
    /// More than one document in the stream (`safe_load` reads exactly one).
    case multipleDocuments(file: String, mark: YAMLMark)
    /// libyaml could not be initialised (out of memory).
    case libraryFailure(file: String, reason: String)

    /// The file (or source name) the error is about.
    public var file: String {
        switch self {
        case .syntax(let f, _, _, _, _), .inputTooLarge(let f, _, _), .nestingTooDeep(let f, _, _),
            .tooManyNodes(let f, _, _), .anchorOrAlias(let f, _, _), .duplicateKey(let f, _, _),
            .mergeKey(let f, _), .unsupportedTag(let f, _, _), .invalidScalar(let f, _, _, _),
            .multipleDocuments(let f, _), .libraryFailure(let f, _):
            return f
        }
    }

    /// Where the error is, if it has a position.
    public var mark: YAMLMark? {
        switch self {
        case .syntax(_, let m, _, _, _), .nestingTooDeep(_, let m, _), .tooManyNodes(_, let m, _),
            .anchorOrAlias(_, let m, _), .duplicateKey(_, let m, _), .mergeKey(_, let m),
            .unsupportedTag(_, let m, _), .invalidScalar(_, let m, _, _), .multipleDocuments(_, let m):
            return m
        case .inputTooLarge, .libraryFailure:
            return nil
        }
    }

    /// What went wrong, without the location prefix.
    public var problem: String {
        switch self {
        case let .syntax(_, _, problem, context, contextMark):
            guard let context else { return problem }
            if let contextMark { return "\(problem) (\(context) at line \(contextMark.line), column \(contextMark.column))" }
            return "\(problem) (\(context))"
        case let .inputTooLarge(_, size, limit):
            return "input is \(size) bytes, more than the limit of \(limit) bytes"
        case let .nestingTooDeep(_, _, limit):
            return "collections nest deeper than the limit of \(limit) levels"
        case let .tooManyNodes(_, _, limit):
            return "document has more than the limit of \(limit) nodes"
        case let .anchorOrAlias(_, _, name):
            return "anchors and aliases are not allowed (found '\(name)'); expected plain data"
        case let .duplicateKey(_, _, key):
            return "duplicate mapping key \(key); expected each key once"
        case .mergeKey:
            return "merge keys ('<<') are not supported; expected plain data"
        case let .unsupportedTag(_, _, tag):
            return "unsupported tag '\(tag)'; expected untagged data or a standard scalar tag"
        case let .invalidScalar(_, _, tag, text):
            return "cannot construct '\(tag)' from \(YAMLError.quote(text))"
        case .multipleDocuments:
            return "expected a single document in the stream, but found another document"
        case let .libraryFailure(_, reason):
            return reason
        }
    }

    public var description: String {
        if let mark { return "\(file):\(mark.line):\(mark.column): \(problem)" }
        return "\(file): \(problem)"
    }

    static func quote(_ s: String) -> String {
        let short = s.count > 60 ? String(s.prefix(60)) + "…" : s
        return "'" + short.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n") + "'"
    }
}
