import Foundation
import Testing
@testable import MLPackCore

@Suite struct JSONTests {
    static let golden: [JSONValue] = {
        (try? SignatureFixtures.jsonLines(SignatureFixtures.fixtures.appendingPathComponent("json/python-dumps.jsonl"))) ?? []
    }()

    @Test func pythonFloatReprMatchesCPython() throws {
        let floats = Self.golden.filter { $0["kind"] == "float" }
        #expect(floats.count > 500)
        for f in floats {
            let bits = try #require(UInt64(f["bits"]?.stringValue ?? "", radix: 16))
            let x = Double(bitPattern: bits)
            #expect(PythonFloat.json(x) == f["json"]?.stringValue, "bits \(bits)")
            // The text reads back to the same double.
            if x.isFinite, case .double(let back) = try JSONParser.parse(PythonFloat.json(x)) {
                #expect(back.bitPattern == x.bitPattern || (x == 0 && back == 0))
            }
        }
        #expect(PythonFloat.repr(1e-05) == "1e-05")
        #expect(PythonFloat.repr(1e16) == "1e+16")
        #expect(PythonFloat.repr(100) == "100.0")
        #expect(PythonFloat.repr(0.1) == "0.1")
        #expect(PythonFloat.repr(-0.0) == "-0.0")
    }

    /// A tensor answer is written straight from its storage (no JSON tree); the text must be the
    /// tree writer's, for every shape (scalars, empty dimensions, 3-D), float32, float64 with
    /// non-finite values, and other storages.
    @Test func tensorAnswersWriteTheSameTextAsTheTree() throws {
        let specials: [Double] = [0, -0.0, .nan, .infinity, -.infinity, 1e-05, 1e16, 123456789012345678, 5e-324, -1.5e300]
        func doubles(_ n: Int) -> [Double] {
            (0..<n).map { i in
                i < specials.count && n > 12 ? specials[i] : Double.random(in: -2...2) * pow(10, Double(Int.random(in: -12...20)))
            }
        }
        let shapes: [[Int]] = [[], [0], [1], [7], [2, 0], [3, 5], [2, 3, 4], [1, 384]]
        for shape in shapes {
            let n = shape.reduce(1, *)
            let values = doubles(max(n, 0))
            let tensors = [
                try Tensor(dtype: .float64, shape: shape, storage: .float64(values)),
                try Tensor(dtype: .float32, shape: shape, storage: .float32(values.map { Float($0) })),
                try Tensor(dtype: .int64, shape: shape, storage: .int((0..<n).map { Int64($0) - 3 })),
                try Tensor(dtype: .str, shape: shape, storage: .string((0..<n).map { "s\u{e9}\($0)\"" })),
            ]
            for tensor in tensors {
                for wraps in [true, false] {
                    let answer = ScoringAnswer(output: .tensor(tensor), wrapsPredictions: wraps)
                    #expect(answer.body == JSONWriter.python.string(answer.json), "shape \(shape), \(tensor.dtype)")
                }
            }
        }
    }

    @Test func stringEscapingMatchesCPython() throws {
        let strings = Self.golden.filter { $0["kind"] == "string" }
        #expect(strings.count >= 50)
        for s in strings {
            var text = String.UnicodeScalarView()
            for cp in s["codepoints"]?.arrayValue ?? [] {
                let code = try #require(cp.intValue)
                text.append(try #require(Unicode.Scalar(UInt32(code))))
            }
            let value = JSONValue.string(String(text))
            #expect(JSONWriter.python.string(value) == s["ascii"]?.stringValue)
            var unicode = JSONWriter.python
            unicode.options.ensureASCII = false
            #expect(unicode.string(value) == s["unicode"]?.stringValue)
            // Both texts parse back to the same string.
            #expect(try JSONParser.parse(try #require(s["ascii"]?.stringValue)) == value)
            #expect(try JSONParser.parse(try #require(s["unicode"]?.stringValue)) == value)
        }
    }

    @Test func documentsRoundTripInEveryMode() throws {
        let docs = Self.golden.filter { $0["kind"] == "doc" }
        #expect(docs.count >= 5)
        for d in docs {
            let text = try #require(d["default"]?.stringValue)
            let value = try JSONParser.parse(text)
            #expect(JSONWriter.python.string(value) == text)
            #expect(JSONWriter.pythonIndented.string(value) == d["indent2"]?.stringValue)
            #expect(JSONWriter.compact.string(value) == d["compact"]?.stringValue)
            let indented = try JSONParser.parse(try #require(d["indent2"]?.stringValue))
            #expect(JSONWriter.python.string(indented) == text)
        }
    }

    @Test func everyFixtureJSONFileRoundTripsByteForByte() throws {
        var checked = 0
        for model in try SignatureFixtures.modelNames() {
            for (file, writer) in [("input_example.json", JSONWriter.python), ("serving_input_example.json", .pythonIndented)] {
                let url = SignatureFixtures.models.appendingPathComponent(model).appendingPathComponent(file)
                guard FileManager.default.fileExists(atPath: url.path) else { continue }
                let bytes = try SignatureFixtures.bytes(url)
                let value = try JSONParser.parse(bytes, source: "\(model)/\(file)")
                #expect(try writer.data(value) == bytes, "\(model)/\(file)")
                checked += 1
            }
        }
        #expect(checked >= 60)
    }

    @Test func fixtureJSONLinesRoundTrip() throws {
        for name in ["signatures.jsonl", "enforcement.jsonl", "scoring.jsonl"] {
            let text = try SignatureFixtures.text(SignatureFixtures.mlflow.appendingPathComponent(name))
            for line in text.split(separator: "\n") {
                let value = try JSONParser.parse(String(line), source: name)
                #expect(JSONWriter.python.string(value) == String(line))
            }
        }
    }

    @Test func pythonTokensAndBigIntegers() throws {
        let v = try JSONParser.parse("[NaN, Infinity, -Infinity, 18446744073709551615, -9223372036854775808, -0, 1E400, 0.5e-3]")
        guard case .array(let a) = v else { Issue.record("not an array"); return }
        #expect(a[0].numberValue?.isNaN == true)
        #expect(a[1] == .double(.infinity))
        #expect(a[2] == .double(-.infinity))
        #expect(a[3] == .bigInt("18446744073709551615"))
        #expect(a[4] == .int(.min))
        #expect(a[5] == .int(0))
        #expect(a[6] == .double(.infinity))
        #expect(a[7] == .double(0.0005))
        #expect(JSONWriter.python.string(v) == "[NaN, Infinity, -Infinity, 18446744073709551615, -9223372036854775808, 0, Infinity, 0.0005]")
        #expect(throws: JSONWriter.NonFiniteError.self) {
            try JSONWriter(options: .init(allowNonFinite: false)).data(v)
        }
    }

    @Test func objectsKeepOrderAndDuplicatePolicy() throws {
        let text = #"{"z": 1, "a": 2, "z": 3}"#
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text, source: "f.json")
        } catch {
            #expect(error.reason == .duplicateKey("z"))
            #expect(error.column == 18)
            #expect(error.description.contains("f.json: line 1, column 18"))
        }
        let kept = try JSONParser(options: .init(duplicateKeys: .keepLast)).parse(text)
        #expect(kept.objectValue?.keys == ["z", "a"])
        #expect(kept["z"] == .int(3))
        #expect(JSONWriter.python.string(kept) == #"{"z": 3, "a": 2}"#)
    }

    @Test(arguments: [
        ("", "unexpected end"),
        ("[1, 2", "unexpected end"),
        ("{\"a\" 1}", "expected ':'"),
        ("[1,]", "expected a value"),
        ("01", "extra data"),
        ("1.", "extra data"),
        ("-", "invalid number"),
        ("nul", "unexpected end"),
        ("\"a\tb\"", "control character"),
        ("\"\\ud800\"", "lone surrogate"),
        ("\"\\x\"", "invalid string escape"),
        ("{1: 2}", "property name"),
        ("[1] x", "extra data"),
        ("Nan", "expected a value"),
    ])
    func malformedInputGivesTypedErrors(text: String, fragment: String) {
        do {
            let v = try JSONParser.parse(text)
            Issue.record("parsed \(text) as \(v)")
        } catch {
            #expect(error.description.contains(fragment), "\(text): \(error)")
        }
    }

    @Test func errorsCarryLineColumnAndPath() {
        let text = "{\n  \"data\": [\n    [1, 2],\n    [3, tru]\n  ]\n}"
        do {
            _ = try JSONParser.parse(text)
            Issue.record("parsed")
        } catch {
            #expect(error.line == 4)
            #expect(error.column == 9)
            #expect(error.path.description == "$.data[1][1]")
        }
    }

    @Test func depthAndSizeAreCapped() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONParser.parse(ok)) != nil)
        let small = JSONParser(options: .init(maxInputBytes: 10))
        #expect(throws: JSONParseError.self) { try small.parse("[1, 2, 3, 4, 5]") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
    }
}
