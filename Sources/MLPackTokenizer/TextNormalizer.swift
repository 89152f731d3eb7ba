import Foundation

/// A `tokenizer.json` normalizer, applied as Hugging Face `tokenizers` applies it.
indirect enum TextNormalizer: Sendable {
    case sequence([TextNormalizer])
    case nfc, nfd, nfkc, nfkd
    /// `char::to_lowercase` per scalar (no context: final sigma stays σ).
    case lowercase
    /// Removes leading / trailing White_Space.
    case strip(left: Bool, right: Bool)
    /// Removes combining marks (general category M).
    case stripAccents
    case replace(TextPattern, content: String)
    /// Puts a string before a non-empty text.
    case prepend(String)
    case precompiled(PrecompiledCharsmap)

    static let supportedTypes = [
        "Sequence", "NFC", "NFD", "NFKC", "NFKD", "Lowercase", "Strip", "StripAccents", "Replace", "Prepend", "Precompiled",
    ]

    /// A normalized text, and how many of its leading UTF-8 bytes come from the original text's first
    /// character (0 when the segment does not start the text, or once that character is removed):
    /// what Metaspace's `prepend_scheme: first` checks through tokenizers' alignments.
    struct Text {
        var string: String
        var leadBytes: Int

        init(string: String, startsAtOrigin: Bool) {
            self.string = string
            leadBytes = startsAtOrigin ? (string.unicodeScalars.first.map { UTF8.width($0) } ?? 0) : 0
        }

        var startsAtOrigin: Bool { leadBytes > 0 }

        var lead: Substring {
            let u = string.utf8
            return Substring(u[u.startIndex..<u.index(u.startIndex, offsetBy: min(leadBytes, u.count))]) ?? Substring(string)
        }
    }

    func apply(_ text: inout Text) {
        guard !text.string.isEmpty else { return }
        switch self {
        case .sequence(let list):
            for n in list { n.apply(&text) }
        case .nfc, .nfd, .nfkc, .nfkd, .lowercase, .stripAccents:
            if text.leadBytes > 0 { text.leadBytes = max(1, transformed(String(text.lead)).utf8.count) }
            text.string = transformed(text.string)
        case .strip(let left, let right):
            let scalars = Array(text.string.unicodeScalars)
            var lo = 0
            var hi = scalars.count
            if left { while lo < hi && UnicodeProperties.isWhitespace(scalars[lo].value) { lo += 1 } }
            if right { while hi > lo && UnicodeProperties.isWhitespace(scalars[hi - 1].value) { hi -= 1 } }
            if lo > 0 {
                let removed = scalars[..<lo].reduce(0) { $0 + UTF8.width($1) }
                text.leadBytes = max(0, text.leadBytes - removed)
            }
            if lo > 0 || hi < scalars.count {
                var v = String.UnicodeScalarView()
                v.append(contentsOf: scalars[lo..<hi])
                text.string = String(v)
            }
        case .replace(let pattern, let content):
            let r = pattern.replaceAll(in: text.string, with: content, lead: text.leadBytes)
            text.leadBytes = r.lead
            text.string = r.text
        case .prepend(let s):
            if text.leadBytes > 0 { text.leadBytes += s.utf8.count }
            text.string = s + text.string
        case .precompiled(let map):
            let r = map.normalize(text.string, lead: text.leadBytes)
            text.leadBytes = r.lead
            text.string = r.text
        }
    }

    /// The scalar-wise normalizers applied to `s`.
    private func transformed(_ s: String) -> String {
        switch self {
        case .nfc: return s.precomposedStringWithCanonicalMapping
        case .nfd: return s.decomposedStringWithCanonicalMapping
        case .nfkc: return s.precomposedStringWithCompatibilityMapping
        case .nfkd: return s.decomposedStringWithCompatibilityMapping
        case .lowercase:
            var out = String.UnicodeScalarView()
            var lowered: [UInt32] = []
            for c in s.unicodeScalars {
                lowered.removeAll(keepingCapacity: true)
                UnicodeProperties.appendLowercase(c.value, to: &lowered)
                for l in lowered { out.append(Unicode.Scalar(l) ?? c) }
            }
            return String(out)
        case .stripAccents:
            var v = String.UnicodeScalarView()
            for c in s.unicodeScalars where !Self.isMark(c) { v.append(c) }
            return String(v)
        default:
            return s
        }
    }

    static func isMark(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Reads the `normalizer` object at `path`.
    static func read(_ object: [String: Any], at path: String, reader: TokenizerJSONReader) throws -> TextNormalizer {
        let type = try reader.type(object, at: path, supported: supportedTypes)
        switch type {
        case "Sequence":
            let list = try reader.array(object["normalizers"], at: path + ".normalizers")
            return .sequence(
                try list.enumerated().map { i, n in
                    let p = "\(path).normalizers[\(i)]"
                    return try read(try reader.object(n, at: p), at: p, reader: reader)
                })
        case "NFC": return .nfc
        case "NFD": return .nfd
        case "NFKC": return .nfkc
        case "NFKD": return .nfkd
        case "Lowercase": return .lowercase
        case "StripAccents": return .stripAccents
        case "Strip":
            return .strip(
                left: try reader.bool(object["strip_left"], at: path + ".strip_left", default: true),
                right: try reader.bool(object["strip_right"], at: path + ".strip_right", default: true))
        case "Replace":
            let pattern = try TextPattern.read(object["pattern"], at: path + ".pattern", reader: reader)
            return .replace(pattern, content: try reader.string(object["content"], at: path + ".content"))
        case "Prepend":
            return .prepend(try reader.string(object["prepend"], at: path + ".prepend"))
        default:  // "Precompiled"
            let key = path + ".precompiled_charsmap"
            let b64 = try reader.string(object["precompiled_charsmap"], at: key)
            guard let data = Data(base64Encoded: b64) else {
                throw TokenizerError.missingKey(file: reader.file, key: key, expected: "base64 text")
            }
            return .precompiled(try PrecompiledCharsmap(bytes: Array(data), file: reader.file, key: key))
        }
    }
}

/// A `{"String": …}` or `{"Regex": …}` pattern (Replace normalizer, Split pre-tokenizer). Regexes run with
/// Unicode-scalar semantics, as Oniguruma runs them on the UTF-8 text.
enum TextPattern: @unchecked Sendable {
    case literal([UInt8])
    case regex(Regex<AnyRegexOutput>, source: String)

    static func read(_ value: Any?, at path: String, reader: TokenizerJSONReader) throws -> TextPattern {
        let o = try reader.object(value, at: path)
        if let s = o["String"] {
            let literal = try reader.string(s, at: path + ".String")
            guard !literal.isEmpty else {
                throw TokenizerError.missingKey(file: reader.file, key: path + ".String", expected: "a non-empty string")
            }
            return .literal(Array(literal.utf8))
        }
        if let r = o["Regex"] {
            let source = try reader.string(r, at: path + ".Regex")
            do {
                let regex = try Regex(source).matchingSemantics(.unicodeScalar)
                return .regex(regex, source: source)
            } catch {
                throw TokenizerError.unsupported(file: reader.file, key: path + ".Regex", value: "\(source) (not a regular expression this tokenizer can run: \(error))")
            }
        }
        throw TokenizerError.missingKey(file: reader.file, key: path, expected: "an object with String or Regex")
    }

    /// The UTF-8 byte ranges of the non-overlapping matches in `text`, left to right (empty matches skipped).
    func matches(in text: String) -> [Range<Int>] {
        switch self {
        case .literal(let needle):
            let hay = Array(text.utf8)
            var out: [Range<Int>] = []
            var i = 0
            let n = needle.count
            while i + n <= hay.count {
                if hay[i] == needle[0] && hay[i..<(i + n)].elementsEqual(needle) {
                    out.append(i..<(i + n))
                    i += n
                } else {
                    i += 1
                }
            }
            return out
        case .regex(let regex, _):
            let utf8 = text.utf8
            return text.matches(of: regex).compactMap { m in
                let lo = utf8.distance(from: utf8.startIndex, to: m.range.lowerBound)
                let hi = utf8.distance(from: utf8.startIndex, to: m.range.upperBound)
                return hi > lo ? lo..<hi : nil
            }
        }
    }

    /// Replaces every match; `lead` bytes at the start come from the original first character and
    /// the result's `lead` counts what they became (a replacement counts when its match starts there).
    func replaceAll(in text: String, with content: String, lead: Int = 0) -> (text: String, lead: Int) {
        let ranges = matches(in: text)
        guard !ranges.isEmpty else { return (text, lead) }
        let bytes = Array(text.utf8)
        let replacement = Array(content.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var last = 0
        for r in ranges {
            out.append(contentsOf: bytes[last..<r.lowerBound])
            out.append(contentsOf: replacement)
            last = r.upperBound
        }
        out.append(contentsOf: bytes[last...])
        var newLead = 0
        if lead > 0 {
            var position = 0
            for r in ranges where r.lowerBound < lead {
                newLead += r.lowerBound - position + replacement.count
                position = r.upperBound
            }
            if position < lead { newLead += lead - position }
        }
        return (String(decoding: out, as: UTF8.self), newLead)
    }
}
