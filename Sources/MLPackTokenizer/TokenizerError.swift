/// Errors raised while loading a tokenizer. Each names the file and the key at fault.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// A file could not be read.
    case unreadable(file: String, reason: String)
    /// A file is not valid JSON / text.
    case malformed(file: String, reason: String)
    /// A required key is missing or has the wrong type.
    case missingKey(file: String, key: String, expected: String)
    /// A component type or option this tokenizer does not implement.
    case unsupported(file: String, key: String, value: String)
    /// A component type this tokenizer does not implement, with the values it does.
    case unsupportedType(file: String, key: String, value: String, supported: [String])
    /// A token the tokenizer needs is not in the vocabulary.
    case missingToken(file: String, token: String, role: String)
    /// The vocabulary is empty, too large, or has an id out of range.
    case invalidVocabulary(file: String, reason: String)
    /// A file over one of the caps checked before it is parsed (JSON values, nesting).
    case tooLarge(file: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read (\(reason))"
        case .malformed(let file, let reason):
            return "\(file): malformed (\(reason))"
        case .missingKey(let file, let key, let expected):
            return "\(file): key \(key): expected \(expected)"
        case .unsupported(let file, let key, let value):
            return "\(file): key \(key): unsupported value \(value)"
        case .unsupportedType(let file, let key, let value, let supported):
            return "\(file): key \(key): unsupported value \(value) (supported: \(supported.joined(separator: ", ")))"
        case .missingToken(let file, let token, let role):
            return "\(file): the vocabulary has no \(role) token \(token)"
        case .invalidVocabulary(let file, let reason):
            return "\(file): invalid vocabulary (\(reason))"
        case .tooLarge(let file, let reason):
            return "\(file): refused before parsing: \(reason)"
        }
    }
}
