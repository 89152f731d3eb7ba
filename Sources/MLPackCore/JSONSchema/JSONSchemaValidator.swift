/// A validator for the subset of JSON Schema 2020-12 used by the documents in `schemas/`.
///
/// Supported keywords: `$schema`, `$id`, `$comment`, `title`, `description`, `examples`,
/// `default` (annotations), `$defs`, `$ref` (local pointers `#` and `#/$defs/<name>`), `type`,
/// `enum`, `const`, `properties`, `required`, `additionalProperties`, `patternProperties` with
/// prefix patterns of the form `^literal`, `propertyNames` (with `enum`/`const`), `minProperties`,
/// `items`, `minItems`, `maxItems`, `minimum`, `minLength`, `allOf`, `anyOf`, `oneOf`, `not`,
/// and `contentMediaType: application/json` with `contentSchema` (the string must parse as JSON
/// and match). A schema that uses any other keyword is rejected when the validator is created,
/// so no constraint is silently ignored.
public struct JSONSchemaValidator: Sendable {
    /// One validation failure.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        /// Where in the instance.
        public var instancePath: JSONPath
        /// Which schema keyword failed (e.g. `#/$defs/colSpec/required`).
        public var keyword: String
        public var message: String
        public var description: String { "\(instancePath): \(message) [\(keyword)]" }
    }

    /// A schema document that cannot be used.
    public struct SchemaError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    static let annotations: Set<String> = ["$schema", "$id", "$comment", "title", "description", "examples", "default"]
    static let supported: Set<String> = annotations.union([
        "$defs", "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties",
        "propertyNames", "minProperties", "items", "minItems", "maxItems", "minimum", "minLength", "allOf", "anyOf",
        "oneOf", "not", "contentMediaType", "contentSchema",
    ])

    /// The root schema document.
    public let root: JSONValue

    /// Checks that `schema` only uses supported keywords and that every `$ref` resolves.
    public init(schema: JSONValue) throws(SchemaError) {
        root = schema
        try check(schema, "#")
    }

    private func check(_ s: JSONValue, _ at: String) throws(SchemaError) {
        if case .bool = s { return }
        guard case .object(let o) = s else { throw SchemaError(message: "\(at): a schema must be an object or a boolean") }
        for (k, v) in o {
            guard Self.supported.contains(k) else { throw SchemaError(message: "\(at): unsupported keyword '\(k)'") }
            switch k {
            case "$defs", "properties", "patternProperties":
                guard case .object(let m) = v else { throw SchemaError(message: "\(at)/\(k): expected an object") }
                for (name, sub) in m {
                    if k == "patternProperties" && !(name.hasPrefix("^") && !name.dropFirst().contains(where: { "\\.*+?()[]{}|$".contains($0) })) {
                        throw SchemaError(message: "\(at)/\(k): only '^literal' prefix patterns are supported, got '\(name)'")
                    }
                    try check(sub, "\(at)/\(k)/\(name)")
                }
            case "additionalProperties", "items", "not", "contentSchema", "propertyNames":
                try check(v, "\(at)/\(k)")
            case "allOf", "anyOf", "oneOf":
                guard case .array(let list) = v, !list.isEmpty else { throw SchemaError(message: "\(at)/\(k): expected a non-empty array") }
                for (i, sub) in list.enumerated() { try check(sub, "\(at)/\(k)/\(i)") }
            case "$ref":
                guard case .string(let ref) = v, resolve(ref) != nil else {
                    throw SchemaError(message: "\(at)/$ref: unresolvable reference \(v)")
                }
            case "contentMediaType":
                guard v == "application/json" else { throw SchemaError(message: "\(at): only application/json content is supported") }
            default: break
            }
        }
    }

    private func resolve(_ ref: String) -> JSONValue? {
        if ref == "#" { return root }
        guard ref.hasPrefix("#/") else { return nil }
        var node = root
        for part in ref.dropFirst(2).split(separator: "/") {
            let key = part.replacingTildes()
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }

    /// Validates `instance` against the root schema, or against the sub-schema at `pointer` (e.g. `#/$defs/colSpec`).
    public func validate(_ instance: JSONValue, at pointer: String = "#") -> [Failure] {
        guard let schema = resolve(pointer) else {
            return [Failure(instancePath: .root, keyword: pointer, message: "no schema at \(pointer)")]
        }
        var failures: [Failure] = []
        validate(instance, schema, JSONPath.root, pointer, &failures, depth: 0)
        return failures
    }

    private static func typeMatches(_ v: JSONValue, _ type: String) -> Bool {
        switch (type, v) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("integer", .int), ("integer", .bigInt), ("number", .int), ("number", .bigInt), ("number", .double): return true
        case ("integer", .double(let d)): return d.isFinite && d == d.rounded()
        default: return false
        }
    }

    private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.numberValue, let y = b.numberValue, a.kindName != "boolean" { return x == y }
        if case .object(let x) = a, case .object(let y) = b {
            return Set(x.keys) == Set(y.keys) && x.keys.allSatisfy { equal(x[$0] ?? .null, y[$0] ?? .null) }
        }
        if case .array(let x) = a, case .array(let y) = b { return x.count == y.count && zip(x, y).allSatisfy(equal) }
        return a == b
    }

    /// Orders failed alternatives for reporting: an alternative rejected by its discriminator
    /// (`type`/`const`/`enum` on the value itself or its `type` member) is a worse match than one
    /// failing deeper; then fewer failures is better.
    private static func rank(_ failures: [Failure]?, _ path: JSONPath) -> (Int, Int) {
        guard let failures else { return (Int.max, Int.max) }
        let typePath = path.appending(key: "type")
        let discriminated = failures.contains { f in
            (f.instancePath == path || f.instancePath == typePath)
                && (f.keyword.hasSuffix("/type") || f.keyword.hasSuffix("/const") || f.keyword.hasSuffix("/enum"))
        }
        return (discriminated ? 1 : 0, failures.count)
    }

    private func validate(
        _ v: JSONValue, _ schema: JSONValue, _ path: JSONPath, _ at: String, _ out: inout [Failure], depth: Int
    ) {
        func fail(_ keyword: String, _ message: String) {
            out.append(Failure(instancePath: path, keyword: "\(at)/\(keyword)", message: message))
        }
        if case .bool(let b) = schema {
            if !b { fail("false", "no value is allowed here") }
            return
        }
        guard case .object(let s) = schema, depth < 256 else { return }
        if case .string(let ref)? = s["$ref"], let target = resolve(ref) {
            validate(v, target, path, ref, &out, depth: depth + 1)
        }
        if let t = s["type"] {
            let types = t.arrayValue?.compactMap(\.stringValue) ?? [t.stringValue ?? ""]
            if !types.contains(where: { Self.typeMatches(v, $0) }) {
                fail("type", "expected \(types.joined(separator: " or ")), got \(v.kindName)")
                return
            }
        }
        if case .array(let options)? = s["enum"], !options.contains(where: { Self.equal($0, v) }) {
            fail("enum", "\(String(JSONWriter.python.string(v).prefix(60))) is not one of \(String(JSONWriter.python.string(.array(options)).prefix(200)))")
        }
        if let c = s["const"], !Self.equal(c, v) {
            fail("const", "expected \(JSONWriter.python.string(c)), got \(String(JSONWriter.python.string(v).prefix(60)))")
        }
        if case .object(let o) = v {
            let props = s["properties"]?.objectValue ?? JSONObject()
            let patterns = s["patternProperties"]?.objectValue ?? JSONObject()
            if case .array(let req)? = s["required"] {
                for case .string(let k) in req where !o.contains(k) { fail("required", "missing required key '\(k)'") }
            }
            if case .int(let n)? = s["minProperties"], o.count < n { fail("minProperties", "expected at least \(n) keys") }
            for (k, child) in o {
                var matched = false
                if let sub = props[k] {
                    matched = true
                    validate(child, sub, path.appending(key: k), "\(at)/properties/\(k)", &out, depth: depth + 1)
                }
                for (p, sub) in patterns where k.hasPrefix(String(p.dropFirst())) {
                    matched = true
                    validate(child, sub, path.appending(key: k), "\(at)/patternProperties/\(p)", &out, depth: depth + 1)
                }
                if !matched, let extra = s["additionalProperties"] {
                    if extra == .bool(false) {
                        out.append(Failure(instancePath: path.appending(key: k), keyword: "\(at)/additionalProperties",
                                           message: "unknown key '\(k)' is not allowed"))
                    } else {
                        validate(child, extra, path.appending(key: k), "\(at)/additionalProperties", &out, depth: depth + 1)
                    }
                }
                if let names = s["propertyNames"] {
                    validate(.string(k), names, path.appending(key: k), "\(at)/propertyNames", &out, depth: depth + 1)
                }
            }
        }
        if case .array(let a) = v {
            if case .int(let n)? = s["minItems"], a.count < n { fail("minItems", "expected at least \(n) items, got \(a.count)") }
            if case .int(let n)? = s["maxItems"], a.count > n { fail("maxItems", "expected at most \(n) items, got \(a.count)") }
            if let items = s["items"] {
                for (i, x) in a.enumerated() { validate(x, items, path.appending(index: i), "\(at)/items", &out, depth: depth + 1) }
            }
        }
        if let min = s["minimum"]?.numberValue, let x = v.numberValue, x < min { fail("minimum", "\(x) is less than \(min)") }
        if case .int(let n)? = s["minLength"], case .string(let str) = v, str.count < n { fail("minLength", "expected at least \(n) characters") }
        if case .string = v, s["contentMediaType"] == "application/json", case .string(let text) = v {
            do {
                let inner = try JSONParser.parse(text)
                if let cs = s["contentSchema"] {
                    var innerFailures: [Failure] = []
                    validate(inner, cs, .root, "\(at)/contentSchema", &innerFailures, depth: depth + 1)
                    for f in innerFailures {
                        out.append(Failure(instancePath: path, keyword: f.keyword, message: "in the embedded JSON at \(f.instancePath): \(f.message)"))
                    }
                }
            } catch {
                fail("contentMediaType", "string is not valid JSON: \(error)")
            }
        }
        if case .array(let subs)? = s["allOf"] {
            for (i, sub) in subs.enumerated() { validate(v, sub, path, "\(at)/allOf/\(i)", &out, depth: depth + 1) }
        }
        if case .array(let subs)? = s["anyOf"] {
            var best: [Failure]? = nil
            for (i, sub) in subs.enumerated() {
                var f: [Failure] = []
                validate(v, sub, path, "\(at)/anyOf/\(i)", &f, depth: depth + 1)
                if f.isEmpty { best = nil; break }
                if Self.rank(f, path) < Self.rank(best, path) { best = f }
                if i == subs.count - 1, let best { out.append(contentsOf: best) }
            }
        }
        if case .array(let subs)? = s["oneOf"] {
            var passing: [Int] = []
            var closest: [Failure]? = nil
            for (i, sub) in subs.enumerated() {
                var f: [Failure] = []
                validate(v, sub, path, "\(at)/oneOf/\(i)", &f, depth: depth + 1)
                if f.isEmpty { passing.append(i) } else if Self.rank(f, path) < Self.rank(closest, path) { closest = f }
            }
            if passing.isEmpty {
                out.append(contentsOf: closest ?? [])
                if closest?.isEmpty ?? true { fail("oneOf", "matches none of the alternatives") }
            } else if passing.count > 1 {
                fail("oneOf", "matches more than one alternative (\(passing.map(String.init).joined(separator: ", ")))")
            }
        }
        if let not = s["not"] {
            var f: [Failure] = []
            validate(v, not, path, "\(at)/not", &f, depth: depth + 1)
            if f.isEmpty { fail("not", "must not match the 'not' schema") }
        }
    }
}

extension Substring {
    func replacingTildes() -> String {
        var out = ""
        var it = makeIterator()
        while let c = it.next() {
            if c == "~" {
                let n = it.next()
                out.append(n == "1" ? "/" : "~")
            } else {
                out.append(c)
            }
        }
        return out
    }
}
