/// An input example that cannot be read or written, naming the file and what was expected.
public struct InputExampleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var message: String
    public init(_ message: String, file: String? = nil) {
        self.message = message
        self.file = file
    }
    public var description: String { (file.map { "\($0): " } ?? "") + message }
}
