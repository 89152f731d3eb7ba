import Foundation
import Testing
@testable import MLPackCore

/// SignatureInference driven through its typed API (numpy arrays and scalars, bytes, datetimes,
/// typed DataFrame columns), as the flavors' `save` uses it, over fixtures/mlflow/signatures.jsonl.
@Suite struct InferenceTypedAPITests {
    /// Case ids where the typed API knowingly differs from MLflow 3.17.2 (none at present).
    static let expectedMismatches: Set<String> = []

    static func dtype(_ name: String) -> NumpyDType? {
        if name.hasPrefix("|S") || name.hasPrefix("S") { return .bytes }
        if name.hasPrefix("<U") || name.hasPrefix("U") { return .str }
        return try? NumpyDType(parsing: name)
    }

    static func flatten(_ v: JSONValue) -> [JSONValue] {
        if case .array(let a) = v { return a.flatMap(flatten) }
        return [v]
    }

    static func number(_ v: JSONValue) -> Double? {
        if case .string(let s) = v { return s == "NaN" ? .nan : s == "Infinity" ? .infinity : s == "-Infinity" ? -.infinity : nil }
        return v.numberValue
    }

    /// A described Python value as a typed sample; `nil` for values the Swift model has no form for.
    static func sample(_ d: JSONValue) -> SampleValue? {
        guard let t = d["t"]?.stringValue else { return nil }
        let v = d["v"] ?? .null
        switch t {
        case "NoneType": return SampleValue.none
        case "bool": return .bool(v.boolValue ?? false)
        case "int": return v.intValue.map(SampleValue.int)
        case "float": return number(v).map(SampleValue.float)
        case "str", "numpy.str_": return v.stringValue.map(SampleValue.string)
        case "bytes": return v.stringValue.flatMap(Base64.decode).map(SampleValue.bytes)
        case "datetime.datetime", "datetime.date", "pandas.Timestamp":
            return v.stringValue.flatMap(ISODateTime.parse).map(SampleValue.datetime)
        case "list":
            var out: [SampleValue] = []
            for x in v.arrayValue ?? [] {
                guard let s = sample(x) else { return nil }
                out.append(s)
            }
            return .list(out)
        case "dict":
            guard d["key_types"] == nil, case .object(let o) = v else { return nil }
            var out: [SampleValue.DictEntry] = []
            for (k, x) in o {
                guard let s = sample(x) else { return nil }
                out.append(.init(k, s))
            }
            return .dict(out)
        case "numpy.ndarray":
            guard let name = d["dtype"]?.stringValue, let dt = dtype(name), case .array(let shapeValues)? = d["shape"] else { return nil }
            let shape = shapeValues.compactMap { $0.intValue.map(Int.init) }
            let leaves = shape.isEmpty ? [v] : flatten(v)
            let storage: Tensor.Storage
            switch dt {
            case .bool: storage = .bool(leaves.map { $0.boolValue ?? false })
            case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32: storage = .int(leaves.map { $0.intValue ?? 0 })
            case .float16, .float32: storage = .float32(leaves.map { Float(number($0) ?? 0) })
            case .float64: storage = .float64(leaves.map { number($0) ?? 0 })
            case .uint64: storage = .uint64(leaves.map { UInt64($0.intValue ?? 0) })
            case .str: storage = .string(leaves.map { $0.stringValue ?? "" })
            case .bytes: storage = .bytes(leaves.map { Base64.decode($0.stringValue ?? "") ?? [] })
            case .object:
                var cells: [JSONValue] = []
                for leaf in leaves {
                    guard let j = try? InferenceConformanceTests.cellJSON(leaf) else { return nil }
                    cells.append(j)
                }
                storage = .object(cells)
            default: return nil
            }
            return (try? Tensor(dtype: dt, shape: shape, storage: storage)).map(SampleValue.ndarray)
        case "numpy.int64", "numpy.int32", "numpy.float32", "numpy.float64", "numpy.bool":
            let name = t == "numpy.bool" ? "bool" : String(t.dropFirst("numpy.".count))
            return dtype(name).map { SampleValue.numpyScalar($0, v) }
        case "pandas.DataFrame":
            guard case .array(let columns)? = d["columns"], case .object(let data)? = d["data"],
                  case .object(let dtypes)? = d["dtypes"], !columns.isEmpty else { return nil }
            var names: [ColumnName] = []
            var cols: [Column] = []
            for c in columns {
                let key = c.stringValue ?? c.description
                guard case .array(let cells)? = data[key], let dtypeName = dtypes[key]?.stringValue else { return nil }
                names.append(c.intValue.map(ColumnName.int) ?? .string(key))
                let kinds = Set(cells.compactMap { $0["t"]?.stringValue }.filter { $0 != "NoneType" && $0 != "pandas.NA" && $0 != "pandas.NaT" })
                let valid = cells.map { cell in
                    !["NoneType", "pandas.NA", "pandas.NaT"].contains(cell["t"]?.stringValue ?? "") && cell["v"] != "NaN"
                }
                let values = cells.map { $0["v"] ?? .null }
                switch dtypeName {
                case "int64": cols.append(Column(.int64(values.map { $0.intValue ?? 0 })))
                case "int32": cols.append(Column(.int32(values.map { Int32($0.intValue ?? 0) })))
                case "float64": cols.append(Column(.double(values.map { number($0) ?? .nan })))
                case "float32": cols.append(Column(.float(values.map { Float(number($0) ?? .nan) })))
                case "bool", "boolean": cols.append(Column(.bool(values.map { $0.boolValue ?? false }), validity: valid))
                case "str", "string": cols.append(Column(.string(values.map { $0.stringValue ?? "" }), validity: valid))
                case let x where x.hasPrefix("datetime64") && !x.contains(","):
                    cols.append(Column(.datetime(values.map { $0.stringValue.flatMap(ISODateTime.parse)?.epochNanoseconds ?? 0 }), validity: valid))
                case "object":
                    if kinds == ["bytes"] {
                        cols.append(Column(.binary(values.map { Base64.decode($0.stringValue ?? "") ?? [] }), validity: valid))
                    } else if kinds.isSubset(of: ["datetime.date", "datetime.datetime"]) && !kinds.isEmpty {
                        cols.append(Column(.datetime(values.map { $0.stringValue.flatMap(ISODateTime.parse)?.epochNanoseconds ?? 0 }), validity: valid))
                    } else {
                        var boxed: [JSONValue] = []
                        for cell in cells {
                            guard let j = try? InferenceConformanceTests.cellJSON(cell) else { return nil }
                            boxed.append(j)
                        }
                        // pandas `infer_objects()` turns an all-integer or all-number object column into int64/float64.
                        let col = Column(inferringFrom: boxed)
                        cols.append(col.dtypeName == "str" ? Column(.boxed(boxed)) : col)
                    }
                default: return nil
                }
            }
            let rows = d["shape"]?.arrayValue?.first?.intValue.map(Int.init) ?? 0
            return (try? Table(names: names, columns: cols, rowCount: rows)).map(SampleValue.dataFrame)
        default: return nil
        }
    }

    @Test func agreementThroughTheTypedAPI() throws {
        var applicable = 0, agree = 0
        var mismatches: [String] = []
        var skipped: [String] = []
        for c in try SignatureFixtures.jsonLines(SignatureFixtures.mlflow.appendingPathComponent("signatures.jsonl")) {
            let id = c["id"]?.stringValue ?? "?"
            func given(_ key: String) -> JSONValue? { c[key].flatMap { $0.isNull ? nil : $0 } }
            let input = given("sample").flatMap { $0["t"] == "NoneType" ? Optional<JSONValue>.none : $0 }
            let output = given("output_sample")
            let inputSample = input.flatMap(Self.sample)
            let outputSample = output.flatMap(Self.sample)
            var params: [SampleValue.DictEntry]? = nil
            if let p = given("params_sample") {
                guard case .dict(let entries)? = Self.sample(p) else { skipped.append(id); continue }
                params = entries
            }
            if (input != nil && inputSample == nil) || (output != nil && outputSample == nil) {
                skipped.append(id)
                continue
            }
            applicable += 1
            let expectedError = c["error"].map { !$0.isNull } ?? false
            var same = false
            var got = "error"
            do {
                let s = try SignatureInference.infer(input: inputSample, output: outputSample, params: params).signature.jsonStrings
                got = "\(s.inputs ?? "null") | \(s.outputs ?? "null") | \(s.params ?? "null")"
                same = !expectedError && s.inputs == c["schema_inputs"]?.stringValue && s.outputs == c["schema_outputs"]?.stringValue
                    && s.params == c["params"]?.stringValue
            } catch {
                same = expectedError
            }
            if same { agree += 1 } else { mismatches.append(id) }
            if !same && !Self.expectedMismatches.contains(id) {
                Issue.record("\(id): mlpack \(got) vs MLflow \(c["schema_inputs"]?.stringValue ?? "null") | \(c["schema_outputs"]?.stringValue ?? "null") | \(c["params"]?.stringValue ?? "null")")
            }
        }
        let figure = Double(agree) / Double(max(applicable, 1))
        print("signatures.jsonl (typed API): \(agree)/\(applicable) identical (\(String(format: "%.1f", figure * 100))%); no Swift form for: \(skipped.joined(separator: ", "))")
        #expect(Set(mismatches) == Self.expectedMismatches)
        #expect(applicable >= 70)
        #expect(figure >= 0.95)
    }
}
