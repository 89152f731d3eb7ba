/// A signature JSON string that MLflow would refuse to load, or a schema that breaks MLflow's rules.
public struct SignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which part of the signature (`inputs`, `outputs`, `params`), when known.
    public var part: String?
    /// Where inside that part's JSON the fault is.
    public var path: JSONPath
    /// What is wrong (MLflow's wording where it has one).
    public var message: String

    public init(part: String? = nil, path: JSONPath = .root, _ message: String) {
        self.part = part
        self.path = path
        self.message = message
    }

    public var description: String {
        let prefix = part.map { "signature.\($0) " } ?? ""
        return "\(prefix)at \(path): \(message)"
    }

    func inPart(_ part: String) -> SignatureError {
        var copy = self
        copy.part = part
        return copy
    }
}
