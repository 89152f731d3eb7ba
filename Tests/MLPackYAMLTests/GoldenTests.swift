import Foundation
import Testing
@testable import MLPackYAML

/// One line of fixtures/yaml/golden.jsonl (written by scripts/gen-yaml-golden.py with PyYAML 6).
struct GoldenCase: Sendable {
    let id: String
    let kind: String
    let yaml: String
    let value: YAMLValue?
    let options: YAMLEmitOptions
    let roundtrip: Bool

    static let all: [GoldenCase] = {
        let url = repoRoot.appendingPathComponent("fixtures/yaml/golden.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            let opts = obj["options"] as? [String: Any] ?? [:]
            var options = YAMLEmitOptions()
            if let v = opts["sort_keys"] as? Bool { options.sortKeys = v }
            if let v = opts["allow_unicode"] as? Bool { options.allowUnicode = v }
            if let v = opts["width"] as? Int { options.width = v }
            let encoded = obj["input"] ?? obj["value"]
            return GoldenCase(
                id: obj["id"] as! String, kind: obj["kind"] as! String, yaml: obj["yaml"] as! String,
                value: encoded.map(decodeTyped), options: options, roundtrip: obj["roundtrip"] as? Bool ?? true)
        }
    }()
}

let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Decodes the typed JSON encoding of the golden file.
func decodeTyped(_ any: Any) -> YAMLValue {
    let d = any as! [String: Any]
    let (k, v) = d.first!
    switch k {
    case "n": return .null
    case "b": return .bool(v as! Bool)
    case "i":
        let s = v as! String
        if let i = Int(s) { return .int(i) }
        return .bigInt(s)
    case "f":
        switch v as! String {
        case "nan": return .float(.nan)
        case "inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case let s: return .float(Double(s)!)
        }
    case "s": return .string(v as! String)
    case "ts": return .timestamp(v as! String)
    case "l": return .sequence((v as! [Any]).map(decodeTyped))
    case "m": return .mapping(YAMLMapping((v as! [[Any]]).map { (decodeTyped($0[0]), decodeTyped($0[1])) }))
    default: fatalError("bad typed value \(d)")
    }
}

/// Equality as Python dicts compare: mapping key order does not matter.
func sameData(_ a: YAMLValue?, _ b: YAMLValue?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case let (.mapping(x)?, .mapping(y)?):
        return x.count == y.count && x.entries.allSatisfy { e in sameData(e.value, y[e.key]) }
    case let (.sequence(x)?, .sequence(y)?):
        return x.count == y.count && zip(x, y).allSatisfy { sameData($0, $1) }
    default: return a == b
    }
}

@Suite struct GoldenTests {
    @Test func fixtureIsPresent() {
        #expect(GoldenCase.all.count > 1500, "fixtures/yaml/golden.jsonl missing or short")
    }

    @Test func emitterMatchesPyYAMLByteForByte() {
        var failures: [String] = []
        var checked = 0
        for c in GoldenCase.all where c.kind == "dump" {
            checked += 1
            let out = YAMLEmitter.emit(c.value!, options: c.options)
            if out != c.yaml { failures.append("\(c.id):\n--- expected\n\(c.yaml)--- got\n\(out)") }
        }
        #expect(checked > 1400)
        #expect(failures.isEmpty, "\(failures.count) mismatches; first:\n\(failures.prefix(5).joined(separator: "\n"))")
    }

    @Test func parserReadsPyYAMLOutputBack() {
        var failures: [String] = []
        for c in GoldenCase.all where c.kind == "dump" && c.roundtrip {
            do {
                let v = try YAMLParser.parseValue(c.yaml, file: c.id)
                if !sameData(v, c.value) { failures.append("\(c.id): got \(String(describing: v))") }
            } catch {
                failures.append("\(c.id): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures; first:\n\(failures.prefix(5).joined(separator: "\n"))")
    }

    /// Deliberate deviations: PyYAML accepts these, mlpack refuses (see docs/yaml.md).
    static let refusedOnPurpose: Set<String> = ["a: &x 1\nb: *x\n", "a: 1\na: 2\n"]

    @Test func parserMatchesSafeLoad() {
        var failures: [String] = []
        for c in GoldenCase.all where c.kind == "load" || c.kind == "load_error" {
            let result = Result { () throws(YAMLError) in try YAMLParser.parseValue(c.yaml, file: c.id) }
            switch (c.kind, result) {
            case ("load", .success(let v)):
                let expected: YAMLValue? = c.value == .null && c.yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : c.value
                if v != expected && !(v == nil && c.value == .null) { failures.append("\(c.id): got \(String(describing: v)) expected \(String(describing: c.value))") }
            case ("load", .failure(let e)):
                if !Self.refusedOnPurpose.contains(c.yaml) { failures.append("\(c.id): unexpected error \(e)") }
            case ("load_error", .success(let v)):
                failures.append("\(c.id): accepted \(String(describing: v)), PyYAML refuses")
            default: break
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures:\n\(failures.prefix(8).joined(separator: "\n"))")
    }
}
