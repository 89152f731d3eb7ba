/// PyYAML's `analyze_scalar`: what styles a scalar may be written in.
struct ScalarAnalysis {
    var empty = false
    var multiline = false
    var allowFlowPlain = true
    var allowBlockPlain = true
    var allowSingleQuoted = true

    static func isBreak(_ c: Unicode.Scalar) -> Bool {
        c == "\n" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
    }

    static func isBlankOrBreak(_ c: Unicode.Scalar) -> Bool {
        c == "\0" || c == " " || c == "\t" || c == "\r" || isBreak(c)
    }

    /// Printable non-ASCII characters (PyYAML's "unicode characters").
    static func isPrintableUnicode(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        guard v != 0xFEFF else { return false }
        return v == 0x85 || (0xA0...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000..<0x10FFFF).contains(v)
    }

    init(_ s: [Unicode.Scalar], allowUnicode: Bool) {
        guard !s.isEmpty else {
            empty = true
            allowFlowPlain = false
            return
        }
        var blockIndicators = false
        var flowIndicators = false
        var lineBreaks = false
        var specialCharacters = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false

        if s.count >= 3, (s[0] == "-" && s[1] == "-" && s[2] == "-") || (s[0] == "." && s[1] == "." && s[2] == ".") {
            blockIndicators = true
            flowIndicators = true
        }
        var precededByWhitespace = true
        var followedByWhitespace = s.count == 1 || Self.isBlankOrBreak(s[1])
        var previousSpace = false
        var previousBreak = false
        for index in s.indices {
            let ch = s[index]
            if index == 0 {
                if "#,[]{}&*!|>'\"%@`".unicodeScalars.contains(ch) {
                    flowIndicators = true
                    blockIndicators = true
                }
                if ch == "?" || ch == ":" {
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                }
                if ch == "-" && followedByWhitespace {
                    flowIndicators = true
                    blockIndicators = true
                }
            } else {
                if ",?[]{}".unicodeScalars.contains(ch) { flowIndicators = true }
                if ch == ":" {
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                }
                if ch == "#" && precededByWhitespace {
                    flowIndicators = true
                    blockIndicators = true
                }
            }
            if Self.isBreak(ch) { lineBreaks = true }
            if !(ch == "\n" || (0x20...0x7E).contains(ch.value)) {
                if Self.isPrintableUnicode(ch) {
                    if !allowUnicode { specialCharacters = true }
                } else {
                    specialCharacters = true
                }
            }
            if ch == " " {
                if index == 0 { leadingSpace = true }
                if index == s.count - 1 { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if Self.isBreak(ch) {
                if index == 0 { leadingBreak = true }
                if index == s.count - 1 { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = Self.isBlankOrBreak(ch)
            followedByWhitespace = index + 2 >= s.count || Self.isBlankOrBreak(s[index + 2])
        }
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
            allowFlowPlain = false
            allowBlockPlain = false
        }
        if breakSpace {
            allowFlowPlain = false
            allowBlockPlain = false
            allowSingleQuoted = false
        }
        if spaceBreak || specialCharacters {
            allowFlowPlain = false
            allowBlockPlain = false
            allowSingleQuoted = false
        }
        if lineBreaks {
            allowFlowPlain = false
            allowBlockPlain = false
        }
        if flowIndicators { allowFlowPlain = false }
        if blockIndicators { allowBlockPlain = false }
        multiline = lineBreaks
    }
}

extension PyYAMLWriter {
    enum Style { case plain, singleQuoted, doubleQuoted }

    /// PyYAML's `choose_scalar_style` for events without a requested style.
    func chooseStyle(_ scalar: ScalarText, _ a: ScalarAnalysis) -> Style {
        if scalar.plainImplicit,
            !(simpleKeyContext && (a.empty || a.multiline)),
            (flowLevel > 0 && a.allowFlowPlain) || (flowLevel == 0 && a.allowBlockPlain)
        {
            return .plain
        }
        if a.allowSingleQuoted && !(simpleKeyContext && a.multiline) { return .singleQuoted }
        return .doubleQuoted
    }

    mutating func processScalar(_ scalar: ScalarText) {
        let analysis = ScalarAnalysis(scalar.scalars, allowUnicode: allowUnicode)
        let split = !simpleKeyContext
        switch chooseStyle(scalar, analysis) {
        case .plain: writePlain(scalar.scalars, split: split)
        case .singleQuoted: writeSingleQuoted(scalar.scalars, split: split)
        case .doubleQuoted: writeDoubleQuoted(scalar.scalars, split: split)
        }
    }

    private mutating func writeRun(_ text: ArraySlice<Unicode.Scalar>) {
        output.unicodeScalars.append(contentsOf: text)
        column += text.count
    }

    /// Writes the line breaks of `text[start..<end]` as PyYAML does in quoted/plain scalars.
    private mutating func writeBreaks(_ text: [Unicode.Scalar], _ start: Int, _ end: Int) {
        if text[start] == "\n" { writeLineBreak() }
        for br in text[start..<end] { writeLineBreak(br) }
        writeIndent()
    }

    mutating func writePlain(_ text: [Unicode.Scalar], split: Bool) {
        if rootContext { openEnded = true }
        if text.isEmpty { return }
        if !whitespace { write(" ", width: 1) }
        whitespace = false
        indention = false
        var spaces = false
        var breaks = false
        var start = 0
        var end = 0
        while end <= text.count {
            let ch: Unicode.Scalar? = end < text.count ? text[end] : nil
            if spaces {
                if ch != " " {
                    if start + 1 == end && column > bestWidth && split {
                        writeIndent()
                        whitespace = false
                        indention = false
                    } else {
                        writeRun(text[start..<end])
                    }
                    start = end
                }
            } else if breaks {
                if ch == nil || !ScalarAnalysis.isBreak(ch!) {
                    writeBreaks(text, start, end)
                    whitespace = false
                    indention = false
                    start = end
                }
            } else if ch == nil || ch == " " || ScalarAnalysis.isBreak(ch!) {
                writeRun(text[start..<end])
                start = end
            }
            if let ch {
                spaces = ch == " "
                breaks = ScalarAnalysis.isBreak(ch)
            }
            end += 1
        }
    }

    mutating func writeSingleQuoted(_ text: [Unicode.Scalar], split: Bool) {
        writeIndicator("'", needWhitespace: true)
        var spaces = false
        var breaks = false
        var start = 0
        var end = 0
        while end <= text.count {
            let ch: Unicode.Scalar? = end < text.count ? text[end] : nil
            if spaces {
                if ch != " " {
                    if start + 1 == end && column > bestWidth && split && start != 0 && end != text.count {
                        writeIndent()
                    } else {
                        writeRun(text[start..<end])
                    }
                    start = end
                }
            } else if breaks {
                if ch == nil || !ScalarAnalysis.isBreak(ch!) {
                    writeBreaks(text, start, end)
                    start = end
                }
            } else if ch == nil || ch == " " || ch == "'" || ScalarAnalysis.isBreak(ch!) {
                if start < end {
                    writeRun(text[start..<end])
                    start = end
                }
            }
            if ch == "'" {
                write("''", width: 2)
                start = end + 1
            }
            if let ch {
                spaces = ch == " "
                breaks = ScalarAnalysis.isBreak(ch)
            }
            end += 1
        }
        writeIndicator("'", needWhitespace: false)
    }

    static let escapes: [Unicode.Scalar: String] = [
        "\0": "0", "\u{07}": "a", "\u{08}": "b", "\u{09}": "t", "\u{0A}": "n", "\u{0B}": "v",
        "\u{0C}": "f", "\u{0D}": "r", "\u{1B}": "e", "\"": "\"", "\\": "\\", "\u{85}": "N",
        "\u{A0}": "_", "\u{2028}": "L", "\u{2029}": "P",
    ]

    private func needsEscape(_ ch: Unicode.Scalar) -> Bool {
        let v = ch.value
        if ch == "\"" || ch == "\\" || v == 0x85 || v == 0x2028 || v == 0x2029 || v == 0xFEFF { return true }
        if (0x20...0x7E).contains(v) { return false }
        if allowUnicode && ((0xA0...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)) { return false }
        return true
    }

    private static func hex(_ v: UInt32, digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    mutating func writeDoubleQuoted(_ text: [Unicode.Scalar], split: Bool) {
        writeIndicator("\"", needWhitespace: true)
        var start = 0
        var end = 0
        while end <= text.count {
            let ch: Unicode.Scalar? = end < text.count ? text[end] : nil
            if ch == nil || needsEscape(ch!) {
                if start < end {
                    writeRun(text[start..<end])
                    start = end
                }
                if let ch {
                    let data: String
                    if let e = Self.escapes[ch] {
                        data = "\\" + e
                    } else if ch.value <= 0xFF {
                        data = "\\x" + Self.hex(ch.value, digits: 2)
                    } else if ch.value <= 0xFFFF {
                        data = "\\u" + Self.hex(ch.value, digits: 4)
                    } else {
                        data = "\\U" + Self.hex(ch.value, digits: 8)
                    }
                    write(data, width: data.unicodeScalars.count)
                    start = end + 1
                }
            }
            if end > 0 && end < text.count - 1 && (ch == " " || start >= end)
                && column + (end - start) > bestWidth && split
            {
                // Break the line with an escaped line end; an escaped space keeps a leading blank.
                if start < end {
                    writeRun(text[start..<end])
                    start = end
                }
                write("\\", width: 1)
                writeIndent()
                whitespace = false
                indention = false
                if text[start] == " " { write("\\", width: 1) }
            }
            end += 1
        }
        writeIndicator("\"", needWhitespace: false)
    }
}
