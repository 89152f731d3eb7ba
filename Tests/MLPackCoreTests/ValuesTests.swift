import Testing
@testable import MLPackCore

@Suite struct ValuesTests {
    @Test func columnsGetPandasDtypesFromJSONCells() {
        #expect(Column(inferringFrom: [1, 2]).dtypeName == "int64")
        #expect(Column(inferringFrom: [1, 2.5]).dtypeName == "float64")
        let intsWithNull = Column(inferringFrom: [1, .null])
        #expect(intsWithNull.dtypeName == "float64")
        #expect(intsWithNull.isMissing(1))
        #expect(Column(inferringFrom: [true, false]).dtypeName == "bool")
        #expect(Column(inferringFrom: [true, .null]).dtypeName == "object")
        let strings = Column(inferringFrom: ["a", .null])
        #expect(strings.dtypeName == "str")
        #expect(strings.hasMissing)
        #expect(strings.json(at: 1) == .null)
        #expect(Column(inferringFrom: [1, "a"]).dtypeName == "object")
        #expect(Column(inferringFrom: [["a"], ["b", "c"]]).dtypeName == "object")
        if case .int64(let v) = Column(inferringFrom: [1, 2]).storage { #expect(v == [1, 2]) } else { Issue.record("not unboxed") }
    }

    @Test func tableFromRecordsAndSplit() throws {
        let t = try Table(records: [JSONObject([("a", 1), ("b", "x")]), JSONObject([("b", "y"), ("c", true)])])
        #expect(t.names == ["a", "b", "c"])
        #expect(t["a"]?.dtypeName == "float64")
        #expect(t["c"]?.dtypeName == "object")
        #expect(JSONWriter.python.string(t.splitJSON) == #"{"columns": ["a", "b", "c"], "data": [[1.0, "x", null], [NaN, "y", true]]}"#)
        let unnamed = try Table(splitJSON: try JSONParser.parse(#"{"data": [[1, "a"], [2, "b"]]}"#))
        #expect(unnamed.hasDefaultLabels)
        #expect(unnamed.names == [.int(0), .int(1)])
        #expect(JSONWriter.python.string(unnamed.recordsJSON) == #"[{"0": 1, "1": "a"}, {"0": 2, "1": "b"}]"#)
        #expect(throws: TableError.self) { try Table(rows: [[1], [1, 2]]) }
    }

    @Test func tensorsInferNumpyDtypesAndShapes() throws {
        let f = try Tensor(inferringFrom: [[1, 2.5], [3, 4]])
        #expect(f.dtype == .float64)
        #expect(f.shape == [2, 2])
        #expect(JSONWriter.python.string(f.json) == "[[1.0, 2.5], [3.0, 4.0]]")
        #expect(try Tensor(inferringFrom: [1, 2]).dtype == .int64)
        #expect(try Tensor(inferringFrom: ["a"]).dtype == .str)
        #expect(try Tensor(inferringFrom: [true]).dtype == .bool)
        #expect(try Tensor(inferringFrom: [1, "a"]).dtype == .object)
        #expect(try Tensor(inferringFrom: [1, .null]).dtype == .object)
        #expect(try Tensor(inferringFrom: [1, .null], nullAsNaN: true).dtype == .float64)
        #expect(throws: TensorError.self) { try Tensor(inferringFrom: [[1], [2, 3]]) }
        #expect(throws: TensorError.self) { try Tensor(inferringFrom: [[1], 2]) }
        #expect(Tensor.isRectangularNumeric([[0.6341]]))
        #expect(!Tensor.isRectangularNumeric(["a"]))
        #expect(!Tensor.isRectangularNumeric([]))
        #expect(throws: TensorError.self) { try Tensor(dtype: .float32, shape: [2, 2], storage: .float32([1])) }
    }

    @Test func base64MatchesPythonEncodebytes() {
        #expect(Base64.encodeLines([0, 1] + Array("binary".utf8)) == "AAFiaW5hcnk=\n")
        #expect(Base64.encodeLines(Array(repeating: 65, count: 60)).split(separator: "\n").first?.count == 76)
        #expect(Base64.decode("aGVsbG8=\n") == Array("hello".utf8))
        #expect(Base64.decode("aGVsbG8") == nil)
        #expect(Base64.decode("a$==") == nil)
    }

    @Test func isoDateTimes() throws {
        let d = try #require(ISODateTime.parse("2024-01-02T03:04:05.123456"))
        #expect(d.isoformat == "2024-01-02T03:04:05.123456")
        #expect(ISODateTime(epochNanoseconds: try #require(d.epochNanoseconds)) == d)
        #expect(ISODateTime.parse("2024-02-30") == nil)
        #expect(ISODateTime.parse("2024-01-01T00:00:00Z") == nil)
        #expect(ISODateTime.parse("2024-01-01")?.isDateOnly == true)
        #expect(ISODateTime(epochNanoseconds: 1_704_164_645).isoformat == "1970-01-01T00:00:01.704164645")
    }
}
