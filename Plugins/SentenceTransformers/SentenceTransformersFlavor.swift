import MLPackCore
import MLPackBERT
import MLPackTokenizer

/// The `sentence_transformers` flavor.
public enum SentenceTransformersFlavorModule {}
