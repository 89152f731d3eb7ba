import MLPackBERT
import MLPackCore

extension Tensor {
    /// The `[n, dim]` float32 ndarray sentence-transformers' `encode` returns.
    public init(embeddings: EmbeddingMatrix) {
        // The shape and storage agree by construction (rows × dimension values).
        try! self.init(dtype: .float32, shape: [embeddings.rows, embeddings.dimension], storage: .float32(embeddings.values))
    }
}
