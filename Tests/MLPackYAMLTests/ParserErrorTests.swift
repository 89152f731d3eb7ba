import Testing
@testable import MLPackYAML

@Suite struct ParserErrorTests {
    private func error(_ text: String, limits: YAMLReadLimits = .default) -> YAMLError? {
        do {
            _ = try YAMLParser.parse(text, file: "MLmodel", limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func syntaxErrorNamesFileLineColumnAndContext() throws {
        let e = try #require(error("flavors:\n  a: 1\n b: [1, 2\n"))
        guard case .syntax(let file, let mark, _, _, _) = e else { Issue.record("\(e)"); return }
        #expect(file == "MLmodel")
        #expect(mark.line == 3)
        #expect(e.description.hasPrefix("MLmodel:3:"))
    }

    @Test func unterminatedFlowSequenceReportsContextPosition() throws {
        let e = try #require(error("a: [1, 2\n"))
        #expect(e.description.contains("while parsing a flow sequence at line 1, column 4"), "\(e)")
    }

    @Test func aliasesAndAnchorsAreRefused() throws {
        let laughs = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            """
        let e = try #require(error(laughs))
        guard case .anchorOrAlias(_, let mark, let name) = e else { Issue.record("\(e)"); return }
        #expect(name == "&a")
        #expect(mark == YAMLMark(line: 1, column: 4))
        let alias = try #require(error("a: *x\n"))
        #expect(alias.description.contains("anchors and aliases are not allowed"))
    }

    @Test func duplicateKeysAreRefusedWithPosition() throws {
        let e = try #require(error("a: 1\nb: 2\na: 3\n"))
        #expect(e == .duplicateKey(file: "MLmodel", mark: YAMLMark(line: 3, column: 1), key: "'a'"))
    }

    @Test func limitsAreEnforced() throws {
        let deep = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        let e = try #require(error(deep, limits: YAMLReadLimits(maxDepth: 20)))
        guard case .nestingTooDeep(_, _, 20) = e else { Issue.record("\(e)"); return }
        let big = try #require(error("a: " + String(repeating: "x", count: 2000), limits: YAMLReadLimits(maxBytes: 1000)))
        guard case .inputTooLarge(_, 2003, 1000) = big else { Issue.record("\(big)"); return }
        let many = try #require(error("[" + Array(repeating: "1", count: 100).joined(separator: ",") + "]", limits: YAMLReadLimits(maxNodes: 50)))
        guard case .tooManyNodes = many else { Issue.record("\(many)"); return }
    }

    @Test func multipleDocumentsAndUnsupportedTagsAreRefused() throws {
        #expect(error("a\n--- b\n").map { if case .multipleDocuments = $0 { true } else { false } } == true)
        let tag = try #require(error("a: !!python/object:os.system x\n"))
        #expect(tag == .unsupportedTag(file: "MLmodel", mark: YAMLMark(line: 1, column: 4), tag: "tag:yaml.org,2002:python/object:os.system"))
        let bad = try #require(error("a: !!int xyz\n"))
        guard case .invalidScalar(_, _, "tag:yaml.org,2002:int", "xyz") = bad else { Issue.record("\(bad)"); return }
    }

    @Test func invalidUTF8IsASyntaxError() throws {
        #expect(throws: YAMLError.self) { try YAMLParser.parse(bytes: [0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]) }
    }

    @Test func marksPointAtNodes() throws {
        let node = try #require(try YAMLParser.parse("flavors:\n  python_function:\n    loader_module: x\n"))
        let inner = try #require(node["flavors"]?["python_function"]?["loader_module"])
        #expect(inner.mark == YAMLMark(line: 3, column: 20))
        #expect(node.value == .mapping(["flavors": .mapping(["python_function": .mapping(["loader_module": "x"])])]))
    }

    @Test func pythonFloatRepr() {
        #expect(PythonFloatRepr.yaml(1e-05) == "1.0e-05")
        #expect(PythonFloatRepr.yaml(1e16) == "1.0e+16")
        #expect(PythonFloatRepr.yaml(1e15) == "1000000000000000.0")
        #expect(PythonFloatRepr.yaml(0.0001) == "0.0001")
        #expect(PythonFloatRepr.yaml(-0.0) == "-0.0")
        #expect(PythonFloatRepr.yaml(-.infinity) == "-.inf")
    }
}
