/// WordPiece tokenization as Hugging Face `tokenizers` runs it for BERT models.
public enum TokenizerModule {}
