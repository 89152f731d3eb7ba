import Foundation
import FuzzSupport
import MLPackTokenizer

let file = FuzzHarness.scratchDirectory.appendingPathComponent("tokenizer.json")

/// A tokenizer.json (bytes up to the first NUL) loaded as a model directory's is, then the rest of the
/// input (arbitrary bytes, read as UTF-8 with replacement) encoded with at most 32 (and 3) tokens:
/// no more come out, and every id is below the vocabulary size (a row of the embedding matrix). An
/// id may name no token: vocabularies may have holes, and a post-processor's special-token ids need
/// only be below the size, as in HF tokenizers.
func fuzzOne(_ bytes: [UInt8]) {
    let split = bytes.firstIndex(of: 0) ?? bytes.endIndex
    FuzzHarness.write(Array(bytes[..<split]), to: file)
    guard let tokenizer = try? Tokenizers.load(tokenizerJSON: file) else { return }
    let text = split == bytes.endIndex ? "" : String(decoding: bytes[(split + 1)...], as: UTF8.self)
    fuzzCheckTokenIDs(vocabularySize: tokenizer.vocabularySize) { tokenizer.encode(text, maxLength: $0).ids }
}
