import FuzzSupport
import MLPackCore

/// Bytes → `JSONValue` as Python reads them (NaN tokens, big integers, duplicate keys kept last),
/// under a small depth cap. What is accepted must be no deeper than the cap, and must write (Python's
/// `json.dumps`, indented or compact) to text that reads back to the same text again.
func fuzzOne(_ bytes: [UInt8]) {
    let maxDepth = 24
    let parser = JSONParser(options: .init(maxDepth: maxDepth, maxValues: 100_000, duplicateKeys: .keepLast))
    guard let value = try? parser.parse(bytes) else {
        // The strict default parser must refuse whatever the lenient one refused.
        fuzzCheck((try? JSONParser(options: .init(maxDepth: maxDepth)).parse(bytes)) == nil,
                     "the strict parser (duplicate keys rejected) accepted what the lenient one refused")
        return
    }
    fuzzCheck(depth(value) <= maxDepth, "accepted a document deeper than maxDepth \(maxDepth)")
    let text = JSONWriter.python.string(value)
    let again: JSONValue
    do {
        again = try parser.parse(text)
    } catch {
        fatalError("written JSON does not read back: \(error)\n\(text)")
    }
    let textAgain = JSONWriter.python.string(again)
    fuzzCheck(text == textAgain, "JSON changed when written and read back:\n\(text)\n\(textAgain)")
    // Indented and compact writing only changes whitespace.
    for writer in [JSONWriter.pythonIndented, JSONWriter.compact] {
        let other = writer.string(value)
        guard let read = try? parser.parse(other) else { fatalError("written JSON does not read back:\n\(other)") }
        fuzzCheck(JSONWriter.python.string(read) == text, "JSON changed when written with other separators:\n\(other)")
    }
}

/// Nesting depth: a scalar is 0, `[]` 1.
func depth(_ value: JSONValue) -> Int {
    switch value {
    case .array(let items): return 1 + (items.map(depth).max() ?? 0)
    case .object(let object): return 1 + (object.map { depth($0.value) }.max() ?? 0)
    default: return 0
    }
}
