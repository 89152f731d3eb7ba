import Foundation
import Testing
@testable import MLPackCore

/// The request caps of docs/limits.md, in core (both shells): JSON values per document (one budget
/// for a JSON Lines body), columns, and error messages that do not grow with the input.
struct RequestLimitsTests {
    static func limitError(_ body: String, _ type: RequestContentType = .json, maxValues: Int = 10) -> ScoringError? {
        var parser = RequestParser()
        parser.jsonOptions.maxValues = maxValues
        do {
            _ = try parser.parse(Array(body.utf8), contentType: type)
            return nil
        } catch {
            return error
        }
    }

    @Test func jsonValuesAreCountedWhileParsing() throws {
        // 1 object + 1 list + 8 numbers = 10 values: at the cap; one more is refused with 413.
        #expect(Self.limitError(#"{"inputs": [1, 2, 3, 4, 5, 6, 7, 8]}"#) == nil)
        let over = try #require(Self.limitError(#"{"inputs": [1, 2, 3, 4, 5, 6, 7, 8, 9]}"#))
        #expect(over.errorCode == "REQUEST_LIMIT_EXCEEDED")
        #expect(over.httpStatus == 413)
        #expect(over.message.contains("has more than 10 values"), "\(over.message)")
        #expect(JSONParser.Options().maxValues == 2_000_000)
    }

    @Test func jsonLinesShareOneBudget() throws {
        // Three records of 3 values each (object, key's value, …): 9 in all, then a fourth passes 10.
        let line = #"{"a": 1, "b": 2}"# + "\n"
        #expect(Self.limitError(String(repeating: line, count: 3), .jsonLines) == nil)
        let over = try #require(Self.limitError(String(repeating: line, count: 4), .jsonLines))
        #expect(over.errorCode == "REQUEST_LIMIT_EXCEEDED")
        #expect(over.row == 4)
    }

    @Test func columnsAreCapped() throws {
        let n = RequestParser.maxColumns
        let header = (0...n).map { "c\($0)" }.joined(separator: ",")
        let csv = try #require(Self.limitError(header + "\n" + header + "\n", .csv, maxValues: .max))
        #expect(csv.message == "The request has more than \(n) columns (CSV line 1); at most \(n) columns per request are read.")
        #expect(Self.limitError((0..<n).map { "c\($0)" }.joined(separator: ",") + "\n", .csv) == nil, "\(n) columns are read")

        let names = (0...n).map { "\"c\($0)\"" }.joined(separator: ",")
        let split = try #require(Self.limitError(#"{"dataframe_split": {"columns": [\#(names)], "data": []}}"#, maxValues: .max))
        #expect(split.message.hasPrefix("The request has \(n + 1) columns (dataframe_split.columns)"))
        let record = "{" + (0...n).map { "\"c\($0)\": 1" }.joined(separator: ",") + "}"
        let records = try #require(Self.limitError(#"{"dataframe_records": [\#(record)]}"#, maxValues: .max))
        #expect(records.httpStatus == 413)
        let inputs = try #require(Self.limitError(#"{"inputs": \#(record)}"#, maxValues: .max))
        #expect(inputs.message.contains("(inputs)"))
    }

    @Test func messagesListAtMostTwentyNames() {
        let names = (0..<1000).map { ColumnName.string("c\($0)") }
        let text = ColumnEnforcement.pyList(names)
        #expect(text.hasPrefix("['c0', 'c1', "))
        #expect(text.hasSuffix("'c19', … (980 more)]"))
        #expect(ColumnEnforcement.pyList(Array(names.prefix(3))) == "['c0', 'c1', 'c2']", "short lists are Python's repr")
    }

    @Test func deepPathsArePrintedShort() {
        let path = JSONPath(components: Array(repeating: .index(0), count: 500))
        #expect(path.description == "$" + String(repeating: "[0]", count: 12) + "…(476 more)…" + String(repeating: "[0]", count: 12))
        #expect(JSONPath(components: [.key("a"), .index(3)]).description == "$.a[3]")
    }
}
