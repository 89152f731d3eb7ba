/// A PEP 508 requirement (`name[extras] specifiers ; marker` or `name @ url ; marker`), printed
/// the way Python's `packaging.requirements.Requirement.__str__` prints it — MLflow passes every
/// requirement through that when it de-duplicates (`numpy >= 1.0, <2` is written `numpy<2,>=1.0`).
public struct PipRequirement: Sendable, Hashable, CustomStringConvertible {
    /// The distribution name as written (not case-normalised, as in `packaging`).
    public var name: String
    /// Extras, sorted and unique.
    public var extras: [String]
    /// Version specifiers (`>=1.0`), sorted as strings and unique (a `SpecifierSet`).
    public var specifiers: [String]
    /// A direct reference (`name @ url`).
    public var url: String?
    /// The environment marker, normalised (`python_version < "3.12"`).
    public var marker: String?

    /// Parses a requirement; nil when it is not PEP 508 (paths, URLs, `-e`, options …), which
    /// MLflow keeps verbatim.
    public init?(parsing text: String) {
        var p = Scanner(Array(text.unicodeScalars))
        p.skipSpaces()
        guard let name = p.name() else { return nil }
        self.name = name
        p.skipSpaces()
        var extras: Set<String> = []
        if p.eat("[") {
            p.skipSpaces()
            if !p.eat("]") {
                repeat {
                    p.skipSpaces()
                    guard let e = p.name() else { return nil }
                    extras.insert(e)
                    p.skipSpaces()
                } while p.eat(",")
                guard p.eat("]") else { return nil }
            }
        }
        self.extras = extras.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        p.skipSpaces()
        var specs: Set<String> = []
        if p.eat("@") {
            p.skipSpaces()
            let url = p.take { $0 != " " && $0 != "\t" }
            guard !url.isEmpty else { return nil }
            self.url = url
            if !p.atEnd {
                guard p.skipSpaces() > 0 else { return nil }
            }
        } else {
            let parenthesised = p.eat("(")
            p.skipSpaces()
            if let first = p.specifier() {
                specs.insert(first)
                p.skipSpaces()
                while p.eat(",") {
                    p.skipSpaces()
                    guard let s = p.specifier() else { return nil }
                    specs.insert(s)
                    p.skipSpaces()
                }
            }
            if parenthesised {
                guard p.eat(")") else { return nil }
                p.skipSpaces()
            }
        }
        self.specifiers = specs.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        if p.eat(";") {
            guard let m = MarkerFormat.normalize(p.rest()), !m.isEmpty else { return nil }
            marker = m
        } else {
            guard p.atEnd else { return nil }
        }
    }

    public var description: String {
        var s = name
        if !extras.isEmpty { s += "[" + extras.joined(separator: ",") + "]" }
        if let url {
            s += " @ " + url
            if marker != nil { s += " " }
        } else {
            s += specifiers.joined(separator: ",")
        }
        if let marker { s += "; " + marker }
        return s
    }

    /// The specifier set printed as `packaging` prints it (`<2,>=1.0`).
    public var specifierText: String { specifiers.joined(separator: ",") }

    /// Whether this names MLflow itself (`mlflow`, `mlflow-skinny`, `mlflow-tracing`).
    public var isMLflow: Bool {
        ["mlflow", "mlflow-skinny", "mlflow-tracing"].contains(name.lowercased())
    }

    /// MLflow's `_is_mlflow_requirement` for any requirement line.
    public static func isMLflowRequirement(_ line: String) -> Bool {
        if let r = PipRequirement(parsing: line) { return r.isMLflow }
        // Per-requirement options (`pkg --hash=…`) stripped, then a plain name check.
        let tokens = line.split(separator: " ", omittingEmptySubsequences: false)
        if let optionIndex = tokens.firstIndex(where: { $0.hasPrefix("-") }) {
            let spec = tokens[..<optionIndex].joined(separator: " ")
            if let r = PipRequirement(parsing: spec) { return r.name.lowercased() == "mlflow" }
        }
        let squashed = line.filter { $0 != " " }.lowercased()
        return squashed.contains("/mlflow") || squashed.contains("mlflow@git")
    }
}

/// A cursor over a requirement line.
private struct Scanner {
    let s: [Unicode.Scalar]
    var i = 0
    init(_ s: [Unicode.Scalar]) { self.s = s }

    var atEnd: Bool { i >= s.count }

    @discardableResult mutating func skipSpaces() -> Int {
        let start = i
        while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 }
        return i - start
    }

    mutating func eat(_ c: Unicode.Scalar) -> Bool {
        guard i < s.count, s[i] == c else { return false }
        i += 1
        return true
    }

    mutating func take(while ok: (Unicode.Scalar) -> Bool) -> String {
        var out = String.UnicodeScalarView()
        while i < s.count, ok(s[i]) { out.append(s[i]); i += 1 }
        return String(out)
    }

    mutating func rest() -> String {
        defer { i = s.count }
        return String(String.UnicodeScalarView(s[i...]))
    }

    static func isAlnum(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) }

    /// A PEP 508 name: letters/digits, with `.`, `_`, `-` inside.
    mutating func name() -> String? {
        guard i < s.count, Self.isAlnum(s[i]) else { return nil }
        var end = i
        var j = i
        while j < s.count, Self.isAlnum(s[j]) || s[j] == "." || s[j] == "_" || s[j] == "-" {
            if Self.isAlnum(s[j]) { end = j + 1 }
            j += 1
        }
        let n = String(String.UnicodeScalarView(s[i..<end]))
        i = end
        return n
    }

    /// `op version`, printed without spaces.
    mutating func specifier() -> String? {
        let ops = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"]
        let save = i
        for op in ops {
            let u = Array(op.unicodeScalars)
            if i + u.count <= s.count, Array(s[i..<(i + u.count)]) == u {
                i += u.count
                skipSpaces()
                let version = take { c in
                    c.isASCII && (Self.isAlnum(c) || ".*+!-_".unicodeScalars.contains(c))
                }
                guard !version.isEmpty else { i = save; return nil }
                return op + version
            }
        }
        return nil
    }
}

/// Prints environment markers as `packaging.markers.Marker.__str__` does: tokens separated by
/// single spaces, string values in double quotes.
enum MarkerFormat {
    static func normalize(_ text: String) -> String? {
        let s = Array(text.unicodeScalars)
        var tokens: [String] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c == "(" || c == ")" { tokens.append(String(c)); i += 1; continue }
            if c == "'" || c == "\"" {
                var j = i + 1
                while j < s.count, s[j] != c { j += 1 }
                guard j < s.count else { return nil }
                let value = String(String.UnicodeScalarView(s[(i + 1)..<j]))
                tokens.append("\"" + value + "\"")
                i = j + 1
                continue
            }
            if "<>=!~".unicodeScalars.contains(c) {
                var j = i
                while j < s.count, "<>=!~".unicodeScalars.contains(s[j]) { j += 1 }
                tokens.append(String(String.UnicodeScalarView(s[i..<j])))
                i = j
                continue
            }
            var j = i
            while j < s.count, s[j].isASCII, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) || s[j] == "_" || s[j] == "." { j += 1 }
            guard j > i else { return nil }
            let word = String(String.UnicodeScalarView(s[i..<j]))
            if word == "in", tokens.last == "not" { tokens[tokens.count - 1] = "not in" } else { tokens.append(word) }
            i = j
        }
        var out = ""
        for (k, t) in tokens.enumerated() {
            if k > 0, t != ")", tokens[k - 1] != "(" { out += " " }
            out += t
        }
        return out
    }
}
