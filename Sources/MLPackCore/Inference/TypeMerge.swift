/// MLflow's `_merge` of composite types (used when inferring a list's element type).
enum TypeMerge {
    static func merge(_ a: ColumnType, _ b: ColumnType) throws(InferenceError) -> ColumnType {
        switch a {
        case .any:
            if b == .any { return .any }
            if case .scalar = b { return b }
            return try merge(b, .any)
        case .scalar(let s):
            if b == .any || b == a { return a }
            throw InferenceError("Properties are incompatible for \(s.rawValue) and \(b.pythonRepr)")
        case .array(let item):
            if b == .any || b == a { return a }
            guard case .array(let other) = b else { throw InferenceError("Can't merge array with non-array type") }
            if case .scalar = item { throw InferenceError("Array types are incompatible") }
            return .array(try merge(item, other))
        case .map(let value):
            if b == .any || b == a { return a }
            guard case .map(let other) = b else { throw InferenceError("Can't merge map with non-map type") }
            if case .scalar = value { throw InferenceError("Map types are incompatible") }
            return .map(try merge(value, other))
        case .sparkMLVector:
            if b == .sparkMLVector { return b }
            throw InferenceError("SparkML vector type can't be merged with another Array type.")
        case .object(let o):
            if b == .any {
                return .object(try make(o.properties.map { Property(name: $0.name, type: $0.type, required: false) }))
            }
            guard case .object(let other) = b else { throw InferenceError("Can't merge object with non-object type") }
            if o == other { return a }
            var merged: [Property] = []
            for p in o.properties {
                if let q = other[p.name] {
                    merged.append(try mergeProperty(p, q))
                } else {
                    merged.append(Property(name: p.name, type: p.type, required: false))
                }
            }
            for q in other.properties where o[q.name] == nil {
                merged.append(Property(name: q.name, type: q.type, required: false))
            }
            return .object(try make(merged))
        }
    }

    static func mergeProperty(_ p: Property, _ q: Property) throws(InferenceError) -> Property {
        let required = p.required && q.required
        if case .scalar = p.type, case .scalar = q.type {
            guard p.type == q.type else { throw InferenceError("Properties are incompatible for \(p.type.pythonRepr) and \(q.type.pythonRepr)") }
            return Property(name: p.name, type: p.type, required: required)
        }
        if case .scalar = p.type { throw InferenceError("Properties are incompatible") }
        return Property(name: p.name, type: try merge(p.type, q.type), required: required)
    }

    static func make(_ props: [Property]) throws(InferenceError) -> ObjectType {
        do {
            return try ObjectType(properties: props)
        } catch {
            throw InferenceError(error.message)
        }
    }
}
