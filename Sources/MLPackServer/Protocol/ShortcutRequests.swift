import MLPackCore

/// Bodies of mlpack's `POST /embed` and `POST /similarity` shortcuts (the shapes of Hugging Face
/// text-embeddings-inference): `{"inputs": "text" | ["text", ...]}` and
/// `{"inputs": {"source_sentence": "...", "sentences": ["...", ...]}}` (the inner object may also
/// be sent without the `inputs` wrapper).
enum ShortcutRequest {
    /// The texts of an `/embed` body.
    static func embedTexts(_ body: JSONValue) throws(ScoringError) -> [String] {
        let object = try topLevelObject(body, route: "/embed", allowedKeys: ["inputs"])
        guard let inputs = object["inputs"] else {
            throw .badRequest("/embed: the body must have the key 'inputs' (a string or a list of strings).")
        }
        if case .string(let text) = inputs { return [text] }
        guard case .array(let list) = inputs else {
            throw .badRequest("/embed: 'inputs' must be a string or a list of strings, got \(kind(inputs)).")
        }
        return try strings(list, path: "inputs", route: "/embed")
    }

    /// The pairs of a `/similarity` body: `(source_sentence, sentences[i])` for each `i`.
    static func similarityPairs(_ body: JSONValue) throws(ScoringError) -> [SentencePair] {
        let keys: Set<String> = ["inputs", "source_sentence", "sentences"]
        var object = try topLevelObject(body, route: "/similarity", allowedKeys: keys)
        var prefix = ""
        if let inner = object["inputs"] {
            guard object.count == 1 else {
                throw .badRequest("/similarity: send either 'inputs' or 'source_sentence' and 'sentences', not both.")
            }
            guard case .object(let innerObject) = inner else {
                throw .badRequest(
                    "/similarity: 'inputs' must be an object {\"source_sentence\": ..., \"sentences\": [...]}, got \(kind(inner)).")
            }
            if let unknown = innerObject.keys.sorted().first(where: { $0 != "source_sentence" && $0 != "sentences" }) {
                throw .badRequest(
                    "/similarity: unknown key 'inputs.\(clip(unknown))'; expected 'source_sentence' and 'sentences'.")
            }
            object = innerObject
            prefix = "inputs."
        }
        guard let source = object["source_sentence"] else {
            throw .badRequest("/similarity: missing key '\(prefix)source_sentence' (a string).")
        }
        guard case .string(let sourceText) = source else {
            throw .badRequest("/similarity: '\(prefix)source_sentence' must be a string, got \(kind(source)).")
        }
        guard let sentences = object["sentences"] else {
            throw .badRequest("/similarity: missing key '\(prefix)sentences' (a list of strings).")
        }
        guard case .array(let list) = sentences else {
            throw .badRequest("/similarity: '\(prefix)sentences' must be a list of strings, got \(kind(sentences)).")
        }
        let texts = try strings(list, path: prefix + "sentences", route: "/similarity")
        return texts.map { SentencePair(sourceText, $0) }
    }

    // MARK: Answers

    /// `[[f, ...], ...]` with each float in its shortest round-trip form.
    /// Written straight into bytes (half the time of one growing `String`: 10 µs for 384 floats).
    static func embeddingsJSON(_ vectors: [[Float]]) throws(ScoringError) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(2 + vectors.reduce(0) { $0 + 2 + $1.count * 14 })
        for (i, vector) in vectors.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (j, value) in vector.enumerated() {
                guard value.isFinite else {
                    throw .internalError("The model produced a non-finite embedding value (row \(i), dimension \(j)).")
                }
                if j > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: value.description.utf8)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// `[s, ...]` with each score in its shortest round-trip form.
    static func scoresJSON(_ scores: [Double]) throws(ScoringError) -> [UInt8] {
        var out = "["
        for (i, value) in scores.enumerated() {
            guard value.isFinite else {
                throw .internalError("The model produced a non-finite similarity score (pair \(i)).")
            }
            if i > 0 { out += "," }
            out += value.description
        }
        return Array((out + "]").utf8)
    }

    // MARK: Helpers

    private static func topLevelObject(_ body: JSONValue, route: String, allowedKeys: Set<String>)
        throws(ScoringError) -> JSONObject
    {
        guard case .object(let object) = body else {
            throw .badRequest("\(route): the body must be a JSON object, got \(kind(body)).")
        }
        if let unknown = object.keys.sorted().first(where: { !allowedKeys.contains($0) }) {
            let expected = allowedKeys.sorted().map { "'\($0)'" }.joined(separator: ", ")
            throw .badRequest("\(route): unknown key '\(clip(unknown))'; expected \(expected).")
        }
        return object
    }

    private static func strings(_ list: [JSONValue], path: String, route: String) throws(ScoringError) -> [String] {
        var texts: [String] = []
        texts.reserveCapacity(list.count)
        for (i, element) in list.enumerated() {
            guard case .string(let text) = element else {
                throw .badRequest("\(route): '\(path)[\(i)]' must be a string, got \(kind(element)).")
            }
            texts.append(text)
        }
        return texts
    }

    /// The JSON kind of a parsed value, for error messages (never the value itself).
    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .bigInt, .double: return "a number"
        }
    }

    /// At most 40 characters of a user-supplied key, for error messages.
    static func clip(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}
