import Foundation
import FuzzSupport
import MLPackBERT

/// The tiny BERT fixture's weights and tokenizer (linked, never written), relative to the
/// repository root (scripts/fuzz.sh runs from there) or `$MLPACK_FUZZ_TINY_BERT`.
let fixture = URL(fileURLWithPath: ProcessInfo.processInfo.environment["MLPACK_FUZZ_TINY_BERT"]
    ?? FileManager.default.currentDirectoryPath + "/fixtures/embeddings/tiny-bert/model")
let directory = FuzzHarness.scratchDirectory.appendingPathComponent("model", isDirectory: true)
/// The files the input provides, in order, separated by NUL bytes (a missing part: no such file).
let parts = ["modules.json", "config.json", "1_Pooling/config.json", "sentence_bert_config.json"]

/// A sentence-transformers directory whose configuration comes from the input: `modules.json`,
/// `config.json`, the pooling module's `config.json` and `sentence_bert_config.json` (split on NUL),
/// next to the tiny BERT's real weights and tokenizer. Loaded as mlpack loads a model
/// (`SentenceTransformer.load`): a configuration that claims more than the weights hold (hidden
/// size 10⁹, 10⁶ layers, a huge vocabulary) must be refused before anything is allocated for it
/// (libFuzzer's -malloc_limit_mb / -rss_limit_mb catch what is not). A model that loads encodes a
/// short text into one finite vector of its stated dimension.
func fuzzOne(_ bytes: [UInt8]) {
    try? FileManager.default.removeItem(at: directory)
    try! FileManager.default.createDirectory(
        at: directory.appendingPathComponent("1_Pooling", isDirectory: true), withIntermediateDirectories: true)
    for name in ["model.safetensors", "tokenizer.json", "vocab.txt", "tokenizer_config.json"] {
        try! FileManager.default.createSymbolicLink(
            at: directory.appendingPathComponent(name), withDestinationURL: fixture.appendingPathComponent(name))
    }
    let pieces = bytes.split(separator: 0, maxSplits: parts.count - 1, omittingEmptySubsequences: false)
    for (name, piece) in zip(parts, pieces) {
        FuzzHarness.write(Array(piece), to: directory.appendingPathComponent(name))
    }
    guard let model = try? SentenceTransformer.load(directory: directory, threads: 1) else { return }
    guard let embedded = try? model.encode(["a short text"]) else { return }
    fuzzCheck(embedded.shape == [1, model.dimension], "shape \(embedded.shape) for dimension \(model.dimension)")
    fuzzCheck(embedded.values.allSatisfy(\.isFinite), "non-finite values in \(embedded.values.prefix(8))")
}
