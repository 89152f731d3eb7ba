import Foundation
import MLPackCore
import MLPackTestSupport
import Testing

/// Core's one JSON reader against Python 3.11's `json.loads` (fixtures/server/json-decode.jsonl,
/// written by scripts/gen-server-golden.py): the same documents are accepted, and every rejection
/// carries Python's `JSONDecodeError` message and position, which MLflow's server quotes.
@Suite struct PythonJSONMessageTests {
    static func lines(_ name: String) throws -> [[String: Any]] {
        let text = try String(contentsOf: TestFixtures.fixtures.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test func agreesWithPythonJSONLoadsOnEveryGoldenCase() throws {
        let cases = try Self.lines("server/json-decode.jsonl")
        #expect(cases.count >= 40)
        let parser = JSONParser(options: .init(maxDepth: 64, duplicateKeys: .keepLast))
        for golden in cases {
            let body = try #require(golden["body"] as? String)
            let ok = try #require(golden["ok"] as? Bool)
            do {
                let value = try parser.parse(Array(body.utf8))
                #expect(ok, "Python rejects \(body.debugDescription) but the parser accepted it")
                if let type = golden["type"] as? String {
                    #expect(value.pythonTypeName == type, "\(body.debugDescription)")
                }
            } catch {
                #expect(!ok, "Python accepts \(body.debugDescription) but the parser said \(error)")
                #expect(error.pythonMessage == golden["error"] as? String, "\(body.debugDescription)")
            }
        }
    }

    @Test func nestingOverTheCapIsRefusedWithItsPosition() throws {
        let parser = JSONParser(options: .init(maxDepth: 3))
        _ = try parser.parse(Array(#"{"a": [[1]]}"#.utf8))
        do {
            _ = try parser.parse(Array("[[[[]]]]".utf8))
            Issue.record("four levels pass a cap of three")
        } catch {
            #expect(error.isDepthLimit)
            #expect(error.pythonMessage == "JSON nested deeper than 3 levels: line 1 column 4 (char 3)")
        }
        // A million opening brackets is an error, not a stack overflow.
        #expect(throws: JSONParseError.self) {
            try JSONParser(options: .init(maxDepth: 64)).parse([UInt8](repeating: UInt8(ascii: "["), count: 1_000_000))
        }
    }

    @Test func positionsCountCharactersNotBytes() {
        do {
            _ = try JSONParser().parse(Array("{\"é€𝄞\": x}".utf8))
        } catch {
            #expect(error.pythonMessage == "Expecting value: line 1 column 9 (char 8)")
        }
        do {
            _ = try JSONParser().parse(Array("{\n  \"a\": 1,\n  \"b\" 2}".utf8))
        } catch {
            #expect(error.pythonMessage == "Expecting ':' delimiter: line 3 column 7 (char 18)")
        }
    }

    @Test func utf8CheckNamesPythonsReasons() {
        #expect(UTF8Check.firstError(in: Array("héllo €𝄞".utf8)) == nil)
        #expect(UTF8Check.firstError(in: [0x7B, 0xFF, 0xFE])?.reason == "invalid start byte")
        #expect(UTF8Check.firstError(in: [0x7B, 0xFF, 0xFE])?.byteOffset == 1)
        #expect(UTF8Check.firstError(in: [0xC3, 0x28])?.reason == "invalid continuation byte")
        #expect(UTF8Check.firstError(in: [0x41, 0xE2, 0x82])?.reason == "unexpected end of data")
        #expect(UTF8Check.firstError(in: [0xED, 0xA0, 0x80])?.reason == "invalid continuation byte")  // surrogate
        #expect(UTF8Check.firstError(in: [0xC0, 0xAF])?.reason == "invalid start byte")  // overlong
        #expect(UTF8Check.firstError(in: [0xF4, 0x90, 0x80, 0x80])?.reason == "invalid continuation byte")
    }

    /// Error bodies and answers are written by core's JSONWriter as `json.dumps` writes strings.
    @Test func stringsAreQuotedAsJSONDumpsQuotesThem() throws {
        let cases = try Self.lines("server/json-quote.jsonl")
        #expect(cases.count >= 8)
        for golden in cases {
            let text = try #require(golden["text"] as? String)
            #expect(JSONWriter.python.string(.string(text)) == golden["dumps"] as? String)
        }
    }
}
