import MLPackBLAS
import MLPackTokenizer

/// BERT encoder forward pass on OpenBLAS.
public enum BERTModule {}
