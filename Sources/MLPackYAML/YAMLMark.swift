/// A position in a YAML source, 1-based like editors and compilers print it.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    /// Line, starting at 1.
    public var line: Int
    /// Column, starting at 1 (counted in characters as libyaml counts them).
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}
