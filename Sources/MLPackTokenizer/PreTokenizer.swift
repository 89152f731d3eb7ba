/// A piece of normalized text on its way to the model: UTF-8 bytes, and whether its first character
/// comes from the original text's first character (Metaspace `prepend_scheme: first`).
struct PreToken {
    var bytes: [UInt8]
    var startsAtOrigin: Bool
}

/// A `tokenizer.json` pre-tokenizer, run as Hugging Face `tokenizers` runs it.
indirect enum PreTokenizer: Sendable {
    enum PrependScheme: String, Sendable { case always, first, never }

    case sequence([PreTokenizer])
    /// Replaces spaces by `replacement`, prepends one per the scheme, splits before each replacement.
    case metaspace(replacement: [UInt8], replacementScalar: Unicode.Scalar, prepend: PrependScheme, split: Bool)
    /// Optional leading space, GPT-2's split regex, then each byte mapped to its printable character.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    /// Splits on White_Space, dropping it.
    case whitespaceSplit

    static let supportedTypes = ["Sequence", "Metaspace", "ByteLevel", "WhitespaceSplit"]

    /// Whether the model input went through the byte-level mapping (for ByteLevel BPE checks).
    var isByteLevel: Bool {
        switch self {
        case .byteLevel: return true
        case .sequence(let list): return list.contains { $0.isByteLevel }
        default: return false
        }
    }

    func run(_ pieces: [PreToken]) -> [PreToken] {
        switch self {
        case .sequence(let list):
            var p = pieces
            for t in list { p = t.run(p) }
            return p
        case .metaspace(let rep, let scalar, let prepend, let split):
            var out: [PreToken] = []
            for piece in pieces {
                var b: [UInt8] = []
                b.reserveCapacity(piece.bytes.count + 8)
                for c in piece.bytes {
                    if c == 0x20 { b.append(contentsOf: rep) } else { b.append(c) }
                }
                guard !b.isEmpty else { continue }
                let startsWithReplacement = b.starts(with: rep)
                _ = scalar
                switch prepend {
                case .always: if !startsWithReplacement { b.insert(contentsOf: rep, at: 0) }
                case .first: if !startsWithReplacement && piece.startsAtOrigin { b.insert(contentsOf: rep, at: 0) }
                case .never: break
                }
                guard split else {
                    out.append(PreToken(bytes: b, startsAtOrigin: piece.startsAtOrigin))
                    continue
                }
                // MergedWithNext: each replacement starts a new piece.
                var start = 0
                var i = 0
                while i < b.count {
                    if i > start && b[i] == rep[0] && b[i...].starts(with: rep) {
                        out.append(PreToken(bytes: Array(b[start..<i]), startsAtOrigin: start == 0 && piece.startsAtOrigin))
                        start = i
                    }
                    i += 1
                }
                if start < b.count {
                    out.append(PreToken(bytes: Array(b[start...]), startsAtOrigin: start == 0 && piece.startsAtOrigin))
                }
            }
            return out
        case .byteLevel(let addPrefixSpace, let useRegex):
            var out: [PreToken] = []
            for piece in pieces where !piece.bytes.isEmpty {
                var b = piece.bytes
                if addPrefixSpace && b[0] != 0x20 { b.insert(0x20, at: 0) }
                let parts = useRegex ? ByteLevelSplitter.split(b) : [0..<b.count]
                for r in parts {
                    var mapped: [UInt8] = []
                    mapped.reserveCapacity(r.count * 2)
                    for c in b[r] { mapped.append(contentsOf: ByteLevelSplitter.byteToUTF8[Int(c)]) }
                    out.append(PreToken(bytes: mapped, startsAtOrigin: r.lowerBound == 0 && piece.startsAtOrigin))
                }
            }
            return out
        case .whitespaceSplit:
            var out: [PreToken] = []
            for piece in pieces {
                let s = String(decoding: piece.bytes, as: UTF8.self)
                var start: Int? = nil
                var offset = 0
                for scalar in s.unicodeScalars {
                    let n = UTF8.width(scalar)
                    if UnicodeProperties.isWhitespace(scalar.value) {
                        if let st = start {
                            out.append(PreToken(bytes: Array(piece.bytes[st..<offset]), startsAtOrigin: st == 0 && piece.startsAtOrigin))
                            start = nil
                        }
                    } else if start == nil {
                        start = offset
                    }
                    offset += n
                }
                if let st = start {
                    out.append(PreToken(bytes: Array(piece.bytes[st...]), startsAtOrigin: st == 0 && piece.startsAtOrigin))
                }
            }
            return out
        }
    }

    static func read(_ object: [String: Any], at path: String, reader: TokenizerJSONReader) throws -> PreTokenizer {
        let type = try reader.type(object, at: path, supported: supportedTypes)
        switch type {
        case "Sequence":
            let list = try reader.array(object["pretokenizers"], at: path + ".pretokenizers")
            return .sequence(
                try list.enumerated().map { i, n in
                    let p = "\(path).pretokenizers[\(i)]"
                    return try read(try reader.object(n, at: p), at: p, reader: reader)
                })
        case "Metaspace":
            let rep = try reader.string(object["replacement"], at: path + ".replacement")
            guard rep.unicodeScalars.count == 1, let scalar = rep.unicodeScalars.first else {
                throw TokenizerError.missingKey(file: reader.file, key: path + ".replacement", expected: "one character")
            }
            var scheme = PrependScheme.always
            if let s = object["prepend_scheme"], !(s is NSNull) {
                let v = try reader.string(s, at: path + ".prepend_scheme")
                guard let p = PrependScheme(rawValue: v) else {
                    throw TokenizerError.unsupportedType(
                        file: reader.file, key: path + ".prepend_scheme", value: v, supported: ["always", "first", "never"])
                }
                scheme = p
            }
            if let a = object["add_prefix_space"], !(a is NSNull) {
                let add = try reader.bool(a, at: path + ".add_prefix_space", default: true)
                if !add {
                    guard scheme == .never || object["prepend_scheme"] == nil else {
                        throw TokenizerError.missingKey(
                            file: reader.file, key: path + ".add_prefix_space",
                            expected: "a value matching prepend_scheme (false needs \"never\")")
                    }
                    scheme = .never
                }
            }
            let split = try reader.bool(object["split"], at: path + ".split", default: true)
            return .metaspace(replacement: Array(rep.utf8), replacementScalar: scalar, prepend: scheme, split: split)
        case "ByteLevel":
            return .byteLevel(
                addPrefixSpace: try reader.bool(object["add_prefix_space"], at: path + ".add_prefix_space", default: true),
                useRegex: try reader.bool(object["use_regex"], at: path + ".use_regex", default: true))
        default:  // "WhitespaceSplit"
            return .whitespaceSplit
        }
    }
}

import Foundation

/// GPT-2's byte-level pre-tokenization: the split of
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` (alternatives tried in
/// order at each position, as the regex engine does), and the byte → printable character map.
enum ByteLevelSplitter {
    /// UTF-8 of the character standing for each byte (printable Latin-1 bytes stand for themselves,
    /// the others map to U+0100 upwards in byte order).
    static let byteToUTF8: [[UInt8]] = {
        var table = [UInt32](repeating: 0, count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = UInt32(b)
            } else {
                table[b] = 256 + n
                n += 1
            }
        }
        return table.map { Array(String(Unicode.Scalar($0)!).utf8) }
    }()

    enum Class { case letter, number, space, other }

    @inline(__always)
    static func classify(_ s: Unicode.Scalar) -> Class {
        if UnicodeProperties.isWhitespace(s.value) { return .space }
        if s.value < 0x80 {
            let c = s.value
            if (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) { return .letter }
            if c >= 0x30 && c <= 0x39 { return .number }
            return .other
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// Byte ranges of the pieces of the UTF-8 text `bytes`.
    static func split(_ bytes: [UInt8]) -> [Range<Int>] {
        let text = String(decoding: bytes, as: UTF8.self)
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int] = []
        var o = 0
        for s in text.unicodeScalars {
            scalars.append(s)
            offsets.append(o)
            o += UTF8.width(s)
        }
        offsets.append(o)
        let n = scalars.count
        let classes = scalars.map(classify)
        var out: [Range<Int>] = []
        var i = 0
        func run(_ from: Int, _ cls: Class) -> Int {
            var j = from
            while j < n && classes[j] == cls { j += 1 }
            return j
        }
        while i < n {
            var end = -1
            // Contractions.
            if scalars[i] == "'" && i + 1 < n {
                let a = scalars[i + 1]
                if a == "s" || a == "t" || a == "m" || a == "d" {
                    end = i + 2
                } else if i + 2 < n {
                    let b = scalars[i + 2]
                    if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { end = i + 3 }
                }
            }
            if end < 0 {
                for cls in [Class.letter, .number, .other] {
                    if scalars[i] == " " && i + 1 < n && classes[i + 1] == cls {
                        end = run(i + 1, cls)
                        break
                    }
                    if classes[i] == cls {
                        end = run(i, cls)
                        break
                    }
                }
            }
            if end < 0 {
                // classes[i] == .space: \s+(?!\S) then \s+.
                let j = run(i, .space)
                if j == n || j - 1 <= i {
                    end = j
                } else {
                    end = j - 1
                }
            }
            out.append(offsets[i]..<offsets[end])
            i = end
        }
        return out
    }
}
