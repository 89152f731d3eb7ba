/// The special tokens a `tokenizer.json` post-processor puts around one text or a pair, with type ids.
struct PostProcessor: Sendable, Equatable {
    enum Item: Sendable, Equatable {
        case special(ids: [Int32], typeId: UInt32)
        /// Sequence A (0) or B (1), its tokens given `typeId`.
        case sequence(Int, typeId: UInt32)
    }

    var single: [Item]
    var pair: [Item]

    static let supportedTypes = ["TemplateProcessing", "RobertaProcessing", "BertProcessing", "ByteLevel", "Sequence"]

    /// No post-processor: the texts as they are, B with type id 1.
    static let none = PostProcessor(single: [.sequence(0, typeId: 0)], pair: [.sequence(0, typeId: 0), .sequence(1, typeId: 1)])

    /// Number of special tokens added to a single text or a pair.
    func added(pair isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { n, item in
            if case .special(let ids, _) = item { return n + ids.count }
            return n
        }
    }

    func assemble(_ a: [Int32], _ b: [Int32]?) -> (ids: [Int32], typeIds: [UInt32]) {
        var ids: [Int32] = []
        var types: [UInt32] = []
        ids.reserveCapacity(a.count + (b?.count ?? 0) + 4)
        for item in b == nil ? single : pair {
            switch item {
            case .special(let s, let t):
                ids += s
                types += [UInt32](repeating: t, count: s.count)
            case .sequence(let which, let t):
                let seq = which == 0 ? a : (b ?? [])
                ids += seq
                types += [UInt32](repeating: t, count: seq.count)
            }
        }
        return (ids, types)
    }

    static func read(
        _ object: [String: Any], at path: String, reader: TokenizerJSONReader, validId: (Int) -> Bool
    ) throws -> PostProcessor {
        let type = try reader.type(object, at: path, supported: supportedTypes)
        func pairToken(_ key: String) throws -> Int32 {
            let p = "\(path).\(key)"
            let a = try reader.array(object[key], at: p)
            guard a.count == 2, a[0] is String else {
                throw TokenizerError.missingKey(file: reader.file, key: p, expected: "a [token, id] pair")
            }
            let id = try reader.int(a[1], at: p + "[1]", in: 0...Int(Int32.max))
            guard validId(id) else {
                throw TokenizerError.missingKey(file: reader.file, key: p + "[1]", expected: "an id in the vocabulary, found \(id)")
            }
            return Int32(id)
        }
        switch type {
        case "RobertaProcessing":
            let cls = try pairToken("cls")
            let sep = try pairToken("sep")
            return PostProcessor(
                single: [.special(ids: [cls], typeId: 0), .sequence(0, typeId: 0), .special(ids: [sep], typeId: 0)],
                pair: [
                    .special(ids: [cls], typeId: 0), .sequence(0, typeId: 0), .special(ids: [sep, sep], typeId: 0),
                    .sequence(1, typeId: 0), .special(ids: [sep], typeId: 0),
                ])
        case "BertProcessing":
            let cls = try pairToken("cls")
            let sep = try pairToken("sep")
            return PostProcessor(
                single: [.special(ids: [cls], typeId: 0), .sequence(0, typeId: 0), .special(ids: [sep], typeId: 0)],
                pair: [
                    .special(ids: [cls], typeId: 0), .sequence(0, typeId: 0), .special(ids: [sep], typeId: 0),
                    .sequence(1, typeId: 1), .special(ids: [sep], typeId: 1),
                ])
        case "ByteLevel":
            return .none
        case "Sequence":
            // ByteLevel steps only trim offsets; at most one step may add tokens.
            let list = try reader.array(object["processors"], at: path + ".processors")
            var result = PostProcessor.none
            var adding = 0
            for (i, p) in list.enumerated() {
                let key = "\(path).processors[\(i)]"
                let step = try read(try reader.object(p, at: key), at: key, reader: reader, validId: validId)
                if step != .none {
                    adding += 1
                    guard adding == 1 else {
                        throw TokenizerError.unsupported(
                            file: reader.file, key: key, value: "a second post-processor adding special tokens")
                    }
                    result = step
                }
            }
            return result
        default:  // "TemplateProcessing"
            let specials = try reader.object(object["special_tokens"] ?? [String: Any](), at: path + ".special_tokens")
            func template(_ key: String) throws -> [Item] {
                let list = try reader.array(object[key], at: "\(path).\(key)")
                return try list.enumerated().map { i, raw in
                    let p = "\(path).\(key)[\(i)]"
                    let entry = try reader.object(raw, at: p)
                    if let s = entry["SpecialToken"] {
                        let o = try reader.object(s, at: p + ".SpecialToken")
                        let name = try reader.string(o["id"], at: p + ".SpecialToken.id")
                        let typeId = try reader.int(o["type_id"], at: p + ".SpecialToken.type_id", in: 0...Int(UInt32.max))
                        let sp = "\(path).special_tokens.\(name)"
                        let def = try reader.object(specials[name], at: sp)
                        let ids = try reader.array(def["ids"], at: sp + ".ids").enumerated().map { j, v in
                            let id = try reader.int(v, at: "\(sp).ids[\(j)]", in: 0...Int(Int32.max))
                            guard validId(id) else {
                                throw TokenizerError.missingKey(
                                    file: reader.file, key: "\(sp).ids[\(j)]", expected: "an id in the vocabulary, found \(id)")
                            }
                            return Int32(id)
                        }
                        return .special(ids: ids, typeId: UInt32(typeId))
                    }
                    if let s = entry["Sequence"] {
                        let o = try reader.object(s, at: p + ".Sequence")
                        let which = try reader.string(o["id"], at: p + ".Sequence.id")
                        guard which == "A" || which == "B" else {
                            throw TokenizerError.unsupportedType(
                                file: reader.file, key: p + ".Sequence.id", value: which, supported: ["A", "B"])
                        }
                        let typeId = try reader.int(o["type_id"], at: p + ".Sequence.type_id", in: 0...Int(UInt32.max))
                        return .sequence(which == "A" ? 0 : 1, typeId: UInt32(typeId))
                    }
                    throw TokenizerError.unsupportedType(
                        file: reader.file, key: p, value: "\(entry.keys.sorted())", supported: ["SpecialToken", "Sequence"])
                }
            }
            let single = try template("single")
            let pair = object["pair"] == nil || object["pair"] is NSNull ? single + single.map { item in
                if case .sequence(_, let t) = item { return .sequence(1, typeId: t) }
                return item
            } : try template("pair")
            return PostProcessor(single: single, pair: pair)
        }
    }
}

import Foundation
