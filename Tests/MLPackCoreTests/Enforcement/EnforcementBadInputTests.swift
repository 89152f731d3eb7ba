import Testing
@testable import MLPackCore

/// Bad input: each a located error, never a crash.
@Suite struct EnforcementBadInputTests {
    static func signature(_ inputs: String, params: String? = nil) throws -> ModelSignature {
        try ModelSignature(inputs: inputs, outputs: nil, params: params)
    }

    static let columns = #"[{"type": "long", "name": "a", "required": true}, {"type": "double", "name": "b", "required": true}]"#
    static let typed = #"[{"type": "binary", "name": "bin", "required": true}, {"type": "datetime", "name": "dt", "required": true}, {"type": "integer", "name": "i", "required": true}, {"type": "float", "name": "f", "required": true}, {"type": "boolean", "name": "flag", "required": true}]"#

    static func error(_ body: String, _ sig: ModelSignature?, _ type: RequestContentType = .json) -> ScoringError? {
        do {
            _ = try SchemaEnforcer.enforce(body: Array(body.utf8), contentType: type, signature: sig)
            return nil
        } catch {
            return error
        }
    }

    /// A valid `dataframe_records` body for ``typed`` with the value of `key` replaced by `value` (JSON text).
    static func record(_ key: String, _ value: String) -> String {
        let parts = [("bin", #""aGVsbG8=""#), ("dt", #""2024-01-02""#), ("i", "1"), ("f", "0.5"), ("flag", "true")]
            .map { "\"\($0.0)\": \($0.0 == key ? value : $0.1)" }
        return #"{"dataframe_records": [{"# + parts.joined(separator: ", ") + "}]}"
    }

    @Test func emptyBodiesAndWrongTopLevelTypes() throws {
        let sig = try Self.signature(Self.columns)
        for body in ["", "   ", "[1, 2]", "\"text\"", "5", "null"] {
            let e = try #require(Self.error(body, sig), "\(body)")
            #expect(e.stage == .parse && e.errorCode == "BAD_REQUEST", "\(body): \(e.message)")
        }
        #expect(Self.error("", sig, .csv)?.stage == .parse)
        #expect(Self.error(#"{"dataframe_records": {"a": 1}}"#, sig)?.message.contains("must be a list of records") == true)
    }

    @Test func raggedSplitRowsAndRepeatedColumns() throws {
        let sig = try Self.signature(Self.columns)
        let ragged = try #require(Self.error(#"{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2.0], [3]]}}"#, sig))
        #expect(ragged.message.contains("row 1 has 1 values, expected 2"))
        let twice = try #require(Self.error(#"{"dataframe_split": {"columns": ["a", "a"], "data": [[1, 2]]}}"#, sig))
        #expect(twice.message.contains("'a' given twice"))
        let csvTwice = try #require(Self.error("a,a\n1,2\n", sig, .csv))
        #expect(csvTwice.message.contains("appears twice"))
    }

    @Test func nanAndNullInIntegerColumns() throws {
        let sig = try Self.signature(Self.columns)
        let nan = try #require(Self.error(#"{"dataframe_records": [{"a": NaN, "b": 1.0}]}"#, sig))
        #expect(nan.message.contains("Failed to convert column a") && nan.message.contains("row 0"))
        let null = try #require(Self.error(#"{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 1.0], [null, 2.0]]}}"#, sig))
        #expect(null.column == "a" && null.row == 1, "\(null.message)")
        let viaInputs = try #require(Self.error(#"{"inputs": {"a": [1, null], "b": [1.0, 2.0]}}"#, sig))
        #expect(viaInputs.message.contains("NoneType"))
    }

    @Test func hugeNumbers() throws {
        let sig = try Self.signature(Self.typed)
        #expect(Self.error(Self.record("i", #"1099511627776"#), sig)?.isDeviation == true)
        let big = try #require(Self.error(#"{"dataframe_records": [{"a": 123456789012345678901234567890, "b": 1.0}]}"#, try Self.signature(Self.columns)))
        #expect(big.message.contains("too large") && big.column == "a")
        let f32 = try #require(Self.error(Self.record("f", #"1e40"#), sig))
        #expect(f32.isDeviation && f32.message.contains("float32") && f32.column == "f")
        let tensor = try Self.signature(#"[{"type": "tensor", "tensor-spec": {"dtype": "int32", "shape": [-1]}}]"#)
        #expect(Self.error(#"{"inputs": [99999999999999999999999]}"#, tensor)?.message.contains("out of bounds for int32") == true)
        #expect(Self.error(#"{"inputs": [1.5e300]}"#, tensor)?.message.contains("out of bounds for int32") == true)
        #expect(Self.error(#"{"inputs": [1, 1.5]}"#, tensor)?.isDeviation == true)
        #expect(Self.error(#"{"inputs": [1, 1.5]}"#, tensor)?.row == 1)
    }

    @Test func invalidBase64AndDatetimes() throws {
        let sig = try Self.signature(Self.typed)
        #expect(Self.error(Self.record("bin", #""aGVsbG8""#), sig)?.column == "bin")
        #expect(Self.error(Self.record("bin", #""not base64!""#), sig)?.message.contains("Invalid base64") == true)
        #expect(Self.error(Self.record("bin", #"5"#), sig)?.stage == .parse)
        let bad = try #require(Self.error(Self.record("dt", #""2024-13-45""#), sig))
        #expect(bad.column == "dt" && bad.row == 0 && bad.stage == .parse)
        #expect(Self.error(Self.record("dt", #""2024-01-02T03:04:05+02:00""#), sig)?.stage == .enforceInput)
        #expect(Self.error(Self.record("dt", #"1704164645"#), sig)?.isDeviation == true)
        #expect(Self.error(Self.record("flag", #"null"#), sig)?.isDeviation == true)
        #expect(Self.error(Self.record("flag", #""false""#), sig)?.isDeviation == true)
        #expect(Self.error(Self.record("i", #"2.5"#), sig)?.isDeviation == true)
        #expect(Self.error(Self.record("i", #"3.0"#), sig) == nil)
    }

    @Test func deepNestingIsCapped() throws {
        let sig = try Self.signature(#"[{"type": "any", "name": "x", "required": true}]"#)
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let e = try #require(Self.error(#"{"inputs": {"x": \#(deep)}}"#, sig))
        #expect(e.stage == .parse)
        #expect(Self.error(#"{"inputs": {"x": \#(String(repeating: "[", count: 20))1\#(String(repeating: "]", count: 20))}}"#, sig) == nil)
    }

    @Test func csvQuotedNewlinesAndRaggedRows() throws {
        let sig = try Self.signature(#"[{"type": "string", "name": "t", "required": true}, {"type": "long", "name": "n", "required": true}]"#)
        let ok = try SchemaEnforcer.enforce(body: Array("t,n\n\"two\nlines, with comma\",1\n".utf8), contentType: .csv, signature: sig)
        guard case .table(let table) = ok.input else { Issue.record("expected a table"); return }
        #expect(table.row(0) == ["two\nlines, with comma", 1])
        let ragged = try #require(Self.error("t,n\nx,1,2\n", sig, .csv))
        #expect(ragged.row == 0 && ragged.message.contains("3 fields, expected 2"))
        let unterminated = try #require(Self.error("t,n\n\"x,1\n", sig, .csv))
        #expect(unterminated.stage == .parse)
        let numeric = try SchemaEnforcer.enforce(body: Array("t,n\n007,1\n".utf8), contentType: .csv, signature: sig)
        guard case .table(let t2) = numeric.input else { return }
        #expect(t2.row(0) == ["007", 1])
    }

    @Test func longValuesAreEchoedAsAShortPrefix() throws {
        let sig = try Self.signature(Self.columns)
        let secret = String(repeating: "x", count: 500)
        let e = try #require(Self.error(#"{"dataframe_records": [{"a": "\#(secret)", "b": 1.0}]}"#, sig))
        #expect(!e.message.contains(String(repeating: "x", count: 40)))
        #expect(e.message.contains("…"))
        let p = try Self.signature(Self.columns, params: #"[{"name": "k", "default": 1, "shape": null, "type": "long"}]"#)
        let pe = try #require(Self.error(#"{"inputs": {"a": [1], "b": [1.0]}, "params": {"k": "\#(secret)"}}"#, p))
        #expect(pe.stage == .enforceParams && !pe.message.contains(String(repeating: "x", count: 40)))
    }

    @Test func directPredictOfPythonValues() throws {
        let sig = try Self.signature(Self.columns)
        let ok = try SchemaEnforcer.enforce(input: .value(["a": 1, "b": 2.5]), params: nil, signature: sig)
        #expect(ok.input == .table(try Table(names: ["a", "b"], columns: [Column(.int64([1])), Column(.double([2.5]))], rowCount: 1)))
        #expect(throws: ScoringError.self) { try SchemaEnforcer.enforce(input: .value(["a": 1.5, "b": 2.5]), params: nil, signature: sig) }
    }
}
