/// Sentence embeddings: `rows × dimension` Float32, row-major.
public struct EmbeddingMatrix: Sendable, Equatable {
    public let rows: Int
    public let dimension: Int
    /// `rows · dimension` values, row after row.
    public var values: [Float]

    public init(rows: Int, dimension: Int, values: [Float]) {
        precondition(values.count == rows * dimension, "EmbeddingMatrix: values.count must be rows × dimension")
        self.rows = rows
        self.dimension = dimension
        self.values = values
    }

    /// `[rows, dimension]`.
    public var shape: [Int] { [rows, dimension] }

    /// Row `i`.
    public subscript(row: Int) -> ArraySlice<Float> {
        values[(row * dimension)..<((row + 1) * dimension)]
    }
}
