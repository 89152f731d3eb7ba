/// `np.array(value, dtype)` for JSON values, as MLflow's serving path builds arrays for `inputs`
/// and `instances` — except where numpy silently changes values (truncating floats into integer
/// arrays, overflowing to infinity, `None` → `"None"`, strings → `True`, epoch integers read as
/// nanoseconds): there it refuses with a ``Failure`` marked as a deviation.
enum NumpyArrayBuilder {
    /// Why a value cannot become an array of the requested dtype.
    struct Failure: Error {
        var message: String
        var isDeviation = false
        /// The row (index along the first dimension) of the offending element, when known.
        var index: Int?
        init(_ message: String, deviation: Bool = false, index: Int? = nil) {
            self.message = message
            self.isDeviation = deviation
            self.index = index
        }
    }

    /// The shape numpy discovers for nested lists; ragged nesting fails with numpy's message.
    static func shape(of value: JSONValue) throws(Failure) -> [Int] {
        var shape: [Int] = []
        var level: [JSONValue] = [value]
        while true {
            let lists = level.compactMap(\.arrayValue)
            if lists.isEmpty { return shape }
            guard lists.count == level.count, let n = lists.first?.count, lists.allSatisfy({ $0.count == n }) else {
                throw Failure(
                    "setting an array element with a sequence. The requested array has an inhomogeneous shape after \(shape.count) dimensions. The detected shape was \(PythonRepr.tuple(shape)) + inhomogeneous part.")
            }
            shape.append(n)
            level = lists.flatMap { $0 }
            if n == 0 { return shape }
        }
    }

    /// The leaves of `value` in row-major order for `shape`.
    static func leaves(_ value: JSONValue, depth: Int) -> [JSONValue] {
        if depth == 0 { return [value] }
        guard case .array(let items) = value else { return [value] }
        return items.flatMap { leaves($0, depth: depth - 1) }
    }

    /// The dtype numpy infers for these leaves (`np.array(x)` without dtype).
    static func inferDType(_ leaves: [JSONValue]) -> NumpyDType {
        if leaves.isEmpty { return .float64 }
        var bools = 0, ints = 0, floats = 0, strings = 0, other = 0
        for l in leaves {
            switch l {
            case .bool: bools += 1
            case .int: ints += 1
            case .double: floats += 1
            case .string: strings += 1
            default: other += 1
            }
        }
        if other > 0 { return .object }
        if strings > 0 { return .str }
        if floats > 0 { return .float64 }
        if ints > 0 { return .int64 }
        return .bool
    }

    /// `np.array(value, dtype=dtype)` (`dtype == nil`: numpy's inference).
    static func array(_ value: JSONValue, dtype: NumpyDType?) throws(Failure) -> Tensor {
        let shape: [Int]
        do {
            shape = try self.shape(of: value)
        } catch {
            // numpy builds a 1-D array of objects when asked for dtype=object explicitly.
            guard dtype == .object, case .array(let items) = value else { throw error }
            return try make(.object, [items.count], .object(items))
        }
        let flat = leaves(value, depth: shape.count)
        let target = dtype ?? inferDType(flat)
        do {
            return try make(target, shape, try storage(flat, dtype: target))
        } catch {
            // Report the row (index along the first dimension), not the flat element index.
            var e = error
            if let i = e.index, let rows = shape.first, rows > 0 { e.index = i / max(flat.count / rows, 1) }
            throw e
        }
    }

    private static func make(_ dtype: NumpyDType, _ shape: [Int], _ storage: Tensor.Storage) throws(Failure) -> Tensor {
        do {
            return try Tensor(dtype: dtype, shape: shape, storage: storage)
        } catch {
            throw Failure(error.message)
        }
    }

    /// Converts leaves to the storage of `dtype`.
    static func storage(_ leaves: [JSONValue], dtype: NumpyDType) throws(Failure) -> Tensor.Storage {
        func each<T>(_ f: (JSONValue) throws(Failure) -> T) throws(Failure) -> [T] {
            var out: [T] = []
            out.reserveCapacity(leaves.count)
            for (i, l) in leaves.enumerated() {
                do {
                    out.append(try f(l))
                } catch {
                    var e = error
                    e.index = i
                    throw e
                }
            }
            return out
        }
        switch dtype {
        case .bool: return .bool(try each { (l) throws(Failure) in try toBool(l) })
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32:
            return .int(try each { (l) throws(Failure) in try toInt(l, dtype: dtype) })
        case .uint64:
            return .uint64(try each { (l) throws(Failure) in
                let v = try toInt(l, dtype: .int64, allowBig: true)
                guard v >= 0 else { throw Failure("Python integer \(v) out of bounds for uint64") }
                return UInt64(v)
            })
        case .float16:
            return .float32(try each { (l) throws(Failure) in
                let d = try toDouble(l)
                let h = Float16(Float(d))
                if d.isFinite && h.isInfinite { throw overflow(l, dtype) }
                return Float(h)
            })
        case .float32:
            return .float32(try each { (l) throws(Failure) in
                let d = try toDouble(l)
                let f = Float(d)
                if d.isFinite && f.isInfinite { throw overflow(l, dtype) }
                return f
            })
        case .float64: return .float64(try each { (l) throws(Failure) in try toDouble(l) })
        case .str: return .string(try each { (l) throws(Failure) in try toStr(l) })
        case .bytes:
            return .bytes(try each { (l) throws(Failure) in
                let s = try toStr(l)
                guard s.unicodeScalars.allSatisfy({ $0.value < 128 }) else {
                    throw Failure("'ascii' codec can't encode characters in \(Echo.repr(s)): bytes values must be ASCII text")
                }
                return Array(s.utf8)
            })
        case .datetime64:
            return .int(try each { (l) throws(Failure) in try toDatetime(l) })
        case .object: return .object(leaves)
        case .complex64, .complex128, .timedelta64:
            throw Failure("mlpack does not convert JSON values to \(dtype.name) arrays")
        }
    }

    static func overflow(_ l: JSONValue, _ dtype: NumpyDType) -> Failure {
        Failure("the value \(Echo.str(l)) is too large for \(dtype.name); numpy would store it as inf", deviation: true)
    }

    /// `bool(x)` restricted to values that mean a boolean: `true`/`false`, 0/1.
    static func toBool(_ l: JSONValue) throws(Failure) -> Bool {
        switch l {
        case .bool(let b): return b
        case .int(let i) where i == 0 || i == 1: return i == 1
        case .double(let d) where d == 0 || d == 1: return d == 1
        case .null:
            throw Failure("null is not a boolean; numpy would read it as False", deviation: true)
        case .string:
            throw Failure("the string \(Echo.repr(l)) is not a boolean; numpy would read any non-empty string as True", deviation: true)
        case .int, .bigInt, .double:
            throw Failure("the number \(Echo.str(l)) is not a boolean (only 0 and 1 are); numpy would read it as True", deviation: true)
        case .array, .object:
            throw Failure("a \(l.pythonTypeName) is not a boolean")
        }
    }

    static func intRange(_ dtype: NumpyDType) -> ClosedRange<Int64> {
        switch dtype {
        case .int8: return -128...127
        case .int16: return -32768...32767
        case .int32: return Int64(Int32.min)...Int64(Int32.max)
        case .uint8: return 0...255
        case .uint16: return 0...65535
        case .uint32: return 0...Int64(UInt32.max)
        default: return Int64.min...Int64.max
        }
    }

    /// Python's `int(text)` (decimal, optional sign, surrounding whitespace, `_` between digits).
    static func parsePythonInt(_ text: String) -> (value: Int64?, valid: Bool) {
        var s = Substring(text.trimmingCharacters())
        var negative = false
        if let f = s.first, f == "+" || f == "-" {
            negative = f == "-"
            s = s.dropFirst()
        }
        guard let first = s.first, first.isASCII, first.isNumber, let last = s.last, last.isASCII, last.isNumber else {
            return (nil, false)
        }
        var digits = ""
        var previousUnderscore = false
        for c in s {
            if c == "_" {
                if previousUnderscore { return (nil, false) }
                previousUnderscore = true
                continue
            }
            guard c.isASCII, c.isNumber else { return (nil, false) }
            previousUnderscore = false
            digits.append(c)
        }
        return (Int64((negative ? "-" : "") + digits), true)
    }

    /// Python's `float(text)`.
    static func parsePythonFloat(_ text: String) -> Double? {
        let t = text.trimmingCharacters().replacingUnderscoresBetweenDigits()
        let lower = t.lowercased()
        switch lower {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
        return Double(t)
    }

    static func toInt(_ l: JSONValue, dtype: NumpyDType, allowBig: Bool = false) throws(Failure) -> Int64 {
        let range = intRange(dtype)
        func check(_ v: Int64) throws(Failure) -> Int64 {
            guard range.contains(v) else { throw Failure("Python integer \(v) out of bounds for \(dtype.name)") }
            return v
        }
        switch l {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return try check(i)
        case .bigInt(let t):
            throw Failure(allowBig && !t.hasPrefix("-") ? "Python integer \(Echo.cut(t)) out of bounds for uint64"
                : "Python integer \(Echo.cut(t)) out of bounds for \(dtype.name)")
        case .double(let d):
            if d.isNaN { throw Failure("cannot convert float NaN to integer") }
            if d.isInfinite { throw Failure("cannot convert float infinity to integer") }
            guard d.rounded(.towardZero) == d else {
                throw Failure(
                    "the value \(Echo.str(l)) is not an integer; numpy would truncate it to \(Int64(exactly: d.rounded(.towardZero)).map(String.init) ?? "an integer")",
                    deviation: true)
            }
            guard let v = Int64(exactly: d) else { throw Failure("Python integer \(Echo.str(l)) out of bounds for \(dtype.name)") }
            return try check(v)
        case .string(let s):
            let (value, valid) = parsePythonInt(s)
            guard valid else { throw Failure("invalid literal for int() with base 10: \(Echo.repr(s))") }
            guard let value else { throw Failure("Python int too large to convert to C long") }
            return try check(value)
        case .null:
            throw Failure("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")
        case .array, .object:
            throw Failure("int() argument must be a string, a bytes-like object or a real number, not '\(l.pythonTypeName)'")
        }
    }

    static func toDouble(_ l: JSONValue) throws(Failure) -> Double {
        switch l {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .bigInt(let t): return Double(t) ?? .nan
        case .double(let d): return d
        case .null: return .nan
        case .string(let s):
            guard let d = parsePythonFloat(s) else { throw Failure("could not convert string to float: \(Echo.repr(s))") }
            return d
        case .array, .object:
            throw Failure("float() argument must be a string or a real number, not '\(l.pythonTypeName)'")
        }
    }

    static func toStr(_ l: JSONValue) throws(Failure) -> String {
        switch l {
        case .string(let s): return s
        case .int, .bigInt, .double, .bool: return PythonRepr.str(l)
        case .null: throw Failure("null is not a string; numpy would store the text 'None'", deviation: true)
        case .array, .object: throw Failure("a \(l.pythonTypeName) is not a string")
        }
    }

    /// `datetime64[ns]` from ISO text; `null` is NaT (`Int64.min`).
    static func toDatetime(_ l: JSONValue) throws(Failure) -> Int64 {
        switch l {
        case .null: return Int64.min
        case .string(let s):
            if DatetimeText.hasTimezone(s) {
                throw Failure(DatetimeText.timezoneMessage)
            }
            guard let d = ISODateTime.parse(s), let ns = d.epochNanoseconds else {
                throw Failure("Error parsing datetime string \(Echo.repr(s))")
            }
            return ns
        case .int, .bigInt, .double:
            throw Failure(
                "the number \(Echo.str(l)) is not a datetime; MLflow would read it as nanoseconds since 1970-01-01. Send an ISO 8601 string such as '2024-01-02T03:04:05'",
                deviation: true)
        case .bool, .array, .object:
            throw Failure("a \(l.pythonTypeName) is not a datetime")
        }
    }
}

/// Recognising datetime texts.
enum DatetimeText {
    static let timezoneMessage =
        "Please ensure that the input data of datetime column only contains timezone-naive datetime objects. Error: Cannot use .astype to convert from timezone-aware dtype to timezone-naive dtype. Use obj.tz_localize(None) or obj.tz_convert('UTC').tz_localize(None) instead."

    /// `true` for a valid ISO date-time followed by `Z` or a `±HH:MM` offset.
    static func hasTimezone(_ s: String) -> Bool {
        if s.hasSuffix("Z") || s.hasSuffix("z") { return ISODateTime.parse(String(s.dropLast())) != nil }
        let b = Array(s.utf8)
        for cut in [6, 5, 3] where b.count > cut + 10 {
            let sign = b[b.count - cut]
            guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { continue }
            let head = String(decoding: b[0..<(b.count - cut)], as: UTF8.self)
            if ISODateTime.parse(head) != nil, head.count > 10 { return true }
        }
        return false
    }
}

extension String {
    func replacingUnderscoresBetweenDigits() -> String {
        let chars = Array(self)
        var out = ""
        for (i, c) in chars.enumerated() {
            if c == "_", i > 0, i + 1 < chars.count, chars[i - 1].isNumber, chars[i + 1].isNumber { continue }
            out.append(c)
        }
        return out
    }
}
