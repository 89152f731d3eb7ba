import Foundation
import Testing

@testable import MLPackServer

/// The scanner against Python 3.11's `json.loads` (fixtures/server/json-decode.jsonl, written by
/// scripts/gen-server-golden.py).
@Suite struct JSONScannerTests {
    let scanner = JSONScanner(maxDepth: 64)

    @Test func agreesWithPythonJSONLoadsOnEveryGoldenCase() throws {
        let cases = try Fixtures.jsonLines("fixtures/server/json-decode.jsonl")
        #expect(cases.count >= 40)
        for golden in cases {
            let body = try #require(golden["body"] as? String)
            let ok = try #require(golden["ok"] as? Bool)
            do {
                let summary = try scanner.scan(Array(body.utf8))
                #expect(ok, "Python rejects \(body.debugDescription) but the scanner accepted it")
                let type = golden["type"] as? String
                let expectedKind: JSONScanner.ValueKind =
                    switch type {
                    case "dict": .object
                    case "list": .array
                    case "str": .string
                    case "int", "float": .number
                    case "bool": .bool
                    default: .null
                    }
                #expect(summary.topLevel == expectedKind, "\(body.debugDescription)")
            } catch {
                #expect(!ok, "Python accepts \(body.debugDescription) but the scanner said \(error)")
                #expect(error.description == golden["error"] as? String, "\(body.debugDescription)")
            }
        }
    }

    @Test func recordsTopLevelMembersAndRowCounts() throws {
        let body = #"{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2, 3], [4, 5, 6]]}, "params": {"k": 1}}"#
        let summary = try scanner.scan(Array(body.utf8))
        #expect(summary.members.map(\.key) == ["dataframe_split", "params"])
        let split = try #require(summary.member("dataframe_split"))
        #expect(split.kind == .object)
        #expect(split.dataArrayCount == 2)
        #expect(split.largestMemberArrayCount == 3)
    }

    @Test func decodesEscapedKeysAndKeepsTheLastOfRepeatedKeys() throws {
        let summary = try scanner.scan(Array(#"{"\u0069nputs": [1, 2, 3], "inputs": [1]}"#.utf8))
        #expect(summary.members.count == 1)
        #expect(summary.member("inputs")?.arrayCount == 1)
    }

    @Test func refusesNestingDeeperThanTheCap() throws {
        let shallow = JSONScanner(maxDepth: 3)
        _ = try shallow.scan(Array(#"{"a": [[1]]}"#.utf8))
        let deep = Array((String(repeating: "[", count: 4) + String(repeating: "]", count: 4)).utf8)
        #expect(throws: JSONScanner.Failure.self) { try shallow.scan(deep) }
        do {
            _ = try shallow.scan(deep)
        } catch {
            #expect(error.kind == .tooDeep(limit: 3))
            #expect(error.character == 3)
        }
        // A million opening brackets is an error, not a stack overflow.
        let hostile = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(throws: JSONScanner.Failure.self) { try scanner.scan(hostile) }
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

    @Test func pythonQuoteMatchesJSONDumps() throws {
        let cases = try Fixtures.jsonLines("fixtures/server/json-quote.jsonl")
        #expect(cases.count >= 8)
        for golden in cases {
            let text = try #require(golden["text"] as? String)
            #expect(PythonJSON.quote(text) == golden["dumps"] as? String)
        }
    }
}
