/// Structural checks of JSON values against column types (used for parameter defaults and object params).
enum ValueConformance {
    /// `true` when `value` is a valid JSON rendering of a value of `type` (nulls only where AnyType allows them).
    static func conforms(_ value: JSONValue, to type: ColumnType) -> Bool {
        switch type {
        case .any: return true
        case .scalar(let t):
            switch (t, value) {
            case (.boolean, .bool), (.integer, .int), (.long, .int), (.float, .int), (.float, .double),
                 (.double, .int), (.double, .double), (.string, .string), (.binary, .string):
                return true
            case (.datetime, .string(let s)): return ISODateTime.parse(s) != nil
            default: return false
            }
        case .array(let items):
            guard case .array(let a) = value else { return false }
            return a.allSatisfy { conforms($0, to: items) }
        case .sparkMLVector:
            guard case .array(let a) = value else { return false }
            return a.allSatisfy { $0.numberValue != nil }
        case .map(let values):
            guard case .object(let o) = value else { return false }
            return o.values.allSatisfy { conforms($0, to: values) }
        case .object(let objectType):
            guard case .object(let o) = value else { return false }
            for key in o.keys where objectType[key] == nil { return false }
            for p in objectType.properties {
                guard let v = o[p.name], !v.isNull else {
                    if p.required { return false }
                    continue
                }
                if !conforms(v, to: p.type) { return false }
            }
            return true
        }
    }
}
