import Foundation
import Testing
@testable import MLPackCore

@Suite struct RequestTests {
    /// Structural parse errors MLflow reports (core texts without hash-seed-dependent set orders).
    static let structuralErrors = [
        "exactly one of the input fields", "Ensure that input is a valid JSON formatted string",
        "Dataframe split format must be a dictionary", "Dataframe split format must have 'data' field",
        "Dataframe records format must be a list of records", "Parameters must be a dictionary",
    ]

    @Test func fixtureBodiesParseOrFailAsMLflowDecided() throws {
        var accepted = 0, rejected = 0
        let parser = RequestParser()
        for name in ["enforcement.jsonl", "scoring.jsonl"] {
            for c in try SignatureFixtures.jsonLines(SignatureFixtures.mlflow.appendingPathComponent(name)) {
                guard case .string(let body)? = c["body"], c["path"] == nil || c["path"] == "/invocations",
                      c["method"] == nil || c["method"] == "POST" else { continue }
                let ct = c["content_type"]?.stringValue ?? c["headers"]?["Content-Type"]?.stringValue ?? ""
                guard ct == "application/json" else { continue }
                let id = c["id"]?.stringValue ?? "?"
                let mlflowError = c["error_core"]?.stringValue ?? c["response_json"]?["message"]?.stringValue ?? ""
                let structural = Self.structuralErrors.first { mlflowError.contains($0) }
                do {
                    _ = try parser.parse(Array(body.utf8), contentType: .json)
                    #expect(structural == nil, "\(id): MLflow rejected with \(mlflowError.prefix(120))")
                    accepted += 1
                } catch {
                    let fragment = try #require(structural, "\(id): rejected by mlpack (\(error)) but not by MLflow's parser")
                    #expect(error.message.contains(fragment), "\(id): \(error.message)")
                    rejected += 1
                }
            }
        }
        #expect(accepted > 100)
        #expect(rejected >= 8)
    }

    @Test func formatsAndParams() throws {
        let p = RequestParser()
        let split = try p.parse(Array(#"{"dataframe_split": {"columns": ["a", "b"], "data": [[1, "x"]]}, "params": {"k": 2}}"#.utf8), contentType: .json)
        guard case .table(let t, .dataframeSplit) = split.payload else { Issue.record("not split"); return }
        #expect(t.names == ["a", "b"])
        #expect(split.params?["k"] == .int(2))
        let rec = try p.parse(Array(#"{"dataframe_records": [{"a": 1}, {"b": 2}]}"#.utf8), contentType: .json)
        guard case .table(let r, .dataframeRecords) = rec.payload else { Issue.record("not records"); return }
        #expect(r.names == ["a", "b"])
        let inputs = try p.parse(Array(#"{"inputs": [[1, 2]], "signature_name": "ignored"}"#.utf8), contentType: .json)
        #expect(inputs.payload == .json([[1, 2]], field: .inputs))
        let llm = try p.parse(Array(#"{"messages": [], "temperature": 0.1}"#.utf8), contentType: .json)
        guard case .unifiedLLM(let o) = llm.payload else { Issue.record("not unified"); return }
        #expect(o.keys == ["messages", "temperature"])
    }

    @Test(arguments: [
        (#"{}"#, "Received dictionary with input fields: []"),
        (#"{"inputs": 1, "instances": 2}"#, "Received dictionary with input fields: ['inputs', 'instances']"),
        (#"[1]"#, "Received a list."),
        (#""x""#, "Received unexpected input type '<class 'str'>."),
        (#"{"inputs": 1, "params": [1]}"#, "Parameters must be a dictionary. Got type 'list'."),
        (#"{"dataframe_records": {"a": 1}}"#, "Got dictionary."),
        (#"{"dataframe_records": [{"a": 1}, 5]}"#, "Record 1 of dataframe_records"),
        (#"{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2], [3]]}}"#, "row 1 has 1 values, expected 2"),
        (#"{"dataframe_split": {"columns": ["a", "a"], "data": [[1, 2]]}}"#, "column 'a' given twice"),
        (#"{"dataframe_split": {"data": [[1]], "extra": 1}}"#, "unexpected field 'extra'"),
        (#"{"inputs": [1, 2"#, "Expecting ',' delimiter: line 1 column 17 (char 16)"),
        ("", "Expecting value: line 1 column 1 (char 0)"),
    ])
    func badJSONBodies(body: String, fragment: String) {
        do {
            let r = try RequestParser().parse(Array(body.utf8), contentType: .json)
            Issue.record("accepted \(body) as \(r)")
        } catch {
            #expect(error.message.contains(fragment), "\(body): \(error.message)")
        }
    }

    @Test func deepNestingIsCapped() {
        let body = "{\"inputs\": " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        #expect(throws: ScoringError.self) { try RequestParser().parse(Array(body.utf8), contentType: .json) }
        #expect(throws: ScoringError.self) { try RequestParser(maxBodyBytes: 8).parse(Array(#"{"inputs": 1}"#.utf8), contentType: .json) }
    }

    @Test func csvWithQuotesNewlinesAndTypes() throws {
        let body = "text,n,x,flag\n\"hello, \"\"world\"\"\nsecond line\",1,1.5,True\nplain,2,,false\r\n\n"
        let r = try RequestParser().parse(Array(body.utf8), contentType: .csv)
        guard case .table(let t, .csv) = r.payload else { Issue.record("not csv"); return }
        #expect(t.rowCount == 2)
        #expect(t["text"]?.json(at: 0) == "hello, \"world\"\nsecond line")
        #expect(t["n"]?.dtypeName == "int64")
        #expect(t["x"]?.dtypeName == "float64")
        #expect(t["x"]?.isMissing(1) == true)
        #expect(t["flag"]?.dtypeName == "bool")
        let tutorial = try RequestParser().parse(Array("sentence_1,sentence_2\nI like apples,I like oranges\n".utf8), contentType: .csv)
        guard case .table(let tt, _) = tutorial.payload else { return }
        #expect(JSONWriter.python.string(tt.splitJSON) == #"{"columns": ["sentence_1", "sentence_2"], "data": [["I like apples", "I like oranges"]]}"#)
    }

    @Test(arguments: [
        ("a,b\n1,2\n3\n", "row 1 (line 3) has 1 fields, expected 2"),
        ("a,b\n1,2,3\n", "row 0 (line 2) has 3 fields, expected 2"),
        ("a,b\n\"open,2\n", "EOF inside string starting at row 0 (line 2)"),
        ("a,a\n1,2\n", "appears twice"),
        ("", "No columns to parse"),
    ])
    func badCSV(body: String, fragment: String) {
        do {
            let r = try RequestParser().parse(Array(body.utf8), contentType: .csv)
            Issue.record("accepted \(body) as \(r)")
        } catch {
            #expect(error.message.contains(fragment), "\(body): \(error.message)")
        }
    }

    @Test func jsonLines() throws {
        let r = try RequestParser().parse(Array("{\"a\": 1, \"b\": \"x\"}\n\n{\"a\": 2}\n".utf8), contentType: .jsonLines)
        guard case .table(let t, .jsonLines) = r.payload else { Issue.record("not jsonl"); return }
        #expect(t.names == ["a", "b"])
        #expect(t["b"]?.isMissing(1) == true)
        do {
            _ = try RequestParser().parse(Array("{\"a\": 1}\n[1]\n".utf8), contentType: .jsonLines)
            Issue.record("accepted a list line")
        } catch {
            #expect(error.row == 2)
            #expect(error.message.contains("line 2 must be a JSON object"))
        }
    }

    @Test func contentTypes() throws {
        #expect(try RequestContentType(mimeType: "application/json; charset=UTF-8") == .json)
        #expect(try RequestContentType(mimeType: "text/csv") == .csv)
        #expect(try RequestContentType(mimeType: "jsonl") == .jsonLines)
        #expect(throws: ScoringError.self) { try RequestContentType(mimeType: "text/plain") }
        #expect(throws: ScoringError.self) { try RequestContentType(mimeType: "application/json; charset=latin-1") }
        #expect(throws: ScoringError.self) { try RequestContentType(mimeType: "application/json; format=pandas-split") }
    }
}
