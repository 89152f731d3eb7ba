import Foundation
import FuzzSupport
import MLPackTokenizer

let directory = FuzzHarness.scratchDirectory.appendingPathComponent("vocab-model", isDirectory: true)
let vocabFile = directory.appendingPathComponent("vocab.txt")
let configFile = directory.appendingPathComponent("tokenizer_config.json")

/// A model directory without tokenizer.json: `vocab.txt` (the input up to its first NUL), then
/// the text to encode (up to the next NUL, arbitrary bytes read as UTF-8 with replacement), then,
/// when present, `tokenizer_config.json` (the rest). Loaded as a model directory's tokenizer is
/// (`Tokenizers.load(directory:)`: a slow BertTokenizer's files → WordPiece), the text encoded with
/// at most 32 and 3 tokens: no more come out, and every id is below the vocabulary size.
func fuzzOne(_ bytes: [UInt8]) {
    let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
    try? FileManager.default.removeItem(at: directory)
    try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    FuzzHarness.write(Array(parts[0]), to: vocabFile)
    if parts.count > 2 { FuzzHarness.write(Array(parts[2]), to: configFile) }
    guard let tokenizer = try? Tokenizers.load(directory: directory) else { return }
    let text = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
    fuzzCheckTokenIDs(vocabularySize: tokenizer.vocabularySize) { tokenizer.encode(text, maxLength: $0).ids }
}
