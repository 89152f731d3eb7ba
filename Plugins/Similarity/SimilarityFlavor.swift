import MLPackCore
import MLPackBERT
import SentenceTransformersFlavor

/// The `similarity` flavor: cosine similarity of two sentences.
public enum SimilarityFlavorModule {}
