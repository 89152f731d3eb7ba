/// Reading signature JSON strictly: every key is checked, unknown keys are errors naming the key
/// and its path (MLflow fails on them too, with a Python `TypeError`).
enum SignatureDecoder {
    static func object(_ value: JSONValue, _ path: JSONPath, what: String) throws(SignatureError) -> JSONObject {
        guard case .object(let o) = value else {
            throw SignatureError(path: path, "expected a JSON object for \(what), got \(value.kindName)")
        }
        return o
    }

    static func checkKeys(_ o: JSONObject, allowed: [String], _ path: JSONPath, what: String) throws(SignatureError) {
        for key in o.keys where !allowed.contains(key) {
            throw SignatureError(
                path: path.appending(key: key),
                "unknown key '\(String(key.prefix(60)))' in \(what); allowed keys: \(allowed.joined(separator: ", "))")
        }
    }

    static func string(_ o: JSONObject, _ key: String, _ path: JSONPath, what: String) throws(SignatureError) -> String {
        guard let v = o[key] else { throw SignatureError(path: path, "Missing keys in \(what) JSON. Expected to find key `\(key)`") }
        guard case .string(let s) = v else {
            throw SignatureError(path: path.appending(key: key), "expected a string, got \(v.kindName)")
        }
        return s
    }

    static func name(_ o: JSONObject, _ path: JSONPath) throws(SignatureError) -> ColumnName? {
        switch o["name"] {
        case nil, .null?: return nil
        case .string(let s)?: return .string(s)
        case .int(let i)?: return .int(i)
        case let v?: throw SignatureError(path: path.appending(key: "name"), "expected a string or integer name, got \(v.kindName)")
        }
    }

    /// The type keys of a type dict other than `type` itself.
    static func typeKeys(_ tag: String) -> [String] {
        switch tag {
        case "array": return ["items"]
        case "object": return ["properties"]
        case "map": return ["values"]
        default: return []
        }
    }

    /// Reads a type dict (`{"type": ..., "items"/"properties"/"values": ...}`); `extraKeys` are the
    /// additional keys the container allows (ColSpec: name, required; Property: required).
    static func columnType(_ o: JSONObject, _ path: JSONPath, what: String, extraKeys: [String]) throws(SignatureError) -> ColumnType {
        let tag = try string(o, "type", path, what: what)
        try checkKeys(o, allowed: ["type"] + typeKeys(tag) + extraKeys, path, what: what)
        switch tag {
        case "array":
            guard let items = o["items"] else {
                throw SignatureError(path: path, "Missing keys in Array JSON. Expected to find keys `items` and `type`")
            }
            let io = try object(items, path.appending(key: "items"), what: "Array items")
            return .array(try columnType(io, path.appending(key: "items"), what: "Array items", extraKeys: []))
        case "map":
            guard let values = o["values"] else {
                throw SignatureError(path: path, "Missing keys in Map JSON. Expected to find keys `values` and `type`")
            }
            let vo = try object(values, path.appending(key: "values"), what: "Map values")
            return .map(try columnType(vo, path.appending(key: "values"), what: "Map values", extraKeys: []))
        case "object":
            return .object(try objectType(o, path))
        case "any": return .any
        case "sparkml_vector": return .sparkMLVector
        default:
            guard let t = DataType(rawValue: tag) else {
                throw SignatureError(
                    path: path.appending(key: "type"),
                    "Unsupported type '\(String(tag.prefix(60)))', expected instance of DataType or one of \(DataType.namesList)")
            }
            return .scalar(t)
        }
    }

    static func objectType(_ o: JSONObject, _ path: JSONPath) throws(SignatureError) -> ObjectType {
        guard let props = o["properties"] else {
            throw SignatureError(path: path, "Missing keys in Object JSON. Expected to find keys `properties` and `type`")
        }
        let po = try object(props, path.appending(key: "properties"), what: "Object properties")
        var properties: [Property] = []
        for (key, value) in po {
            let pp = path.appending(key: "properties").appending(key: key)
            let d = try object(value, pp, what: "Property `\(key)`")
            let type = try columnType(d, pp, what: "Property `\(key)`", extraKeys: ["required"])
            var required = true
            switch d["required"] {
            case nil: break
            case .bool(let b)?: required = b
            case let v?: throw SignatureError(path: pp.appending(key: "required"), "expected a boolean, got \(v.kindName)")
            }
            properties.append(Property(name: key, type: type, required: required))
        }
        do {
            return try ObjectType(properties: properties)
        } catch {
            throw SignatureError(path: path, error.message)
        }
    }

    static func colSpec(_ o: JSONObject, _ path: JSONPath) throws(SignatureError) -> ColSpec {
        let type = try columnType(o, path, what: "ColSpec", extraKeys: ["name", "required"])
        var spec = ColSpec(type: type, name: try name(o, path))
        switch o["required"] {
        case nil:
            // MLflow: scalar ColSpecs default to required; composite ones keep None (optional).
            if case .scalar = type {} else {
                spec.required = false
                spec.requiredIsNone = true
            }
        case .null?:
            spec.required = false
            spec.requiredIsNone = true
        case .bool(let b)?: spec.required = b
        case let v?: throw SignatureError(path: path.appending(key: "required"), "expected a boolean, got \(v.kindName)")
        }
        return spec
    }

    static func tensorSpec(_ o: JSONObject, _ path: JSONPath) throws(SignatureError) -> TensorSpec {
        try checkKeys(o, allowed: ["name", "type", "tensor-spec"], path, what: "TensorSpec")
        guard let specValue = o["tensor-spec"] else {
            throw SignatureError(path: path, "Missing keys in TensorSpec JSON. Expected to find keys `tensor-spec` and `type`")
        }
        let sp = path.appending(key: "tensor-spec")
        let spec = try object(specValue, sp, what: "tensor-spec")
        try checkKeys(spec, allowed: ["dtype", "shape"], sp, what: "tensor-spec")
        let dtypeText = try string(spec, "dtype", sp, what: "TensorSpec")
        let dtype: NumpyDType
        do {
            dtype = try NumpyDType(parsing: dtypeText)
        } catch {
            throw SignatureError(path: sp.appending(key: "dtype"), error.message)
        }
        guard case .array(let dims)? = spec["shape"] else {
            throw SignatureError(path: sp, "Missing keys in TensorSpec JSON. Expected to find keys `dtype` and `shape`")
        }
        var shape: [Int] = []
        for (i, d) in dims.enumerated() {
            guard case .int(let v) = d, v >= -1, v <= Int64(Int32.max) else {
                throw SignatureError(path: sp.appending(key: "shape").appending(index: i), "expected a dimension (integer ≥ -1), got \(JSONWriter.python.string(d).prefix(20))")
            }
            shape.append(Int(v))
        }
        return TensorSpec(dtype: dtype, shape: shape, name: try name(o, path))
    }

    static func schema(_ value: JSONValue) throws(SignatureError) -> Schema {
        guard case .array(let items) = value else {
            throw SignatureError("expected a JSON array of ColSpec or TensorSpec objects, got \(value.kindName)")
        }
        var cols: [ColSpec] = []
        var tensors: [TensorSpec] = []
        for (i, item) in items.enumerated() {
            let path = JSONPath.root.appending(index: i)
            let o = try object(item, path, what: "a schema entry")
            if o["type"] == "tensor" {
                tensors.append(try tensorSpec(o, path))
            } else {
                cols.append(try colSpec(o, path))
            }
        }
        if !cols.isEmpty && !tensors.isEmpty {
            throw SignatureError(
                "Creating Schema with a combination of ColSpec and TensorSpec is not supported. Please choose one of ColSpec or TensorSpec")
        }
        return tensors.isEmpty ? try Schema(columns: cols) : try Schema(tensors: tensors)
    }

    static func paramSpec(_ o: JSONObject, _ path: JSONPath) throws(SignatureError) -> ParamSpec {
        try checkKeys(o, allowed: ["name", "type", "dtype", "default", "shape", "properties"], path, what: "ParamSpec")
        guard let nameValue = o["name"], let typeValue = o["type"] ?? o["dtype"], o["default"] != nil else {
            throw SignatureError(
                path: path,
                "Missing keys in ParamSpec JSON. Expected to find keys `name`, `type`(or `dtype`) and `default`. Received keys: \(o.keys)")
        }
        let name: String
        switch nameValue {
        case .string(let s): name = s
        case .int(let i): name = String(i)
        default: throw SignatureError(path: path.appending(key: "name"), "expected a string name, got \(nameValue.kindName)")
        }
        guard case .string(let tag) = typeValue else {
            throw SignatureError(path: path.appending(key: "type"), "expected a string type, got \(typeValue.kindName)")
        }
        let type: ParamType
        if tag == "object" {
            type = .object(try objectType(o, path))
        } else {
            if o["properties"] != nil {
                throw SignatureError(path: path.appending(key: "properties"), "unknown key 'properties' in ParamSpec of type '\(tag)'")
            }
            guard let t = DataType(rawValue: tag) else {
                let supported = DataType.mlflowOrder.filter { $0 != .binary }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
                throw SignatureError(
                    path: path.appending(key: "type"),
                    "Unsupported type '\(String(tag.prefix(60)))', expected instance of DataType or one of [\(supported)]")
            }
            type = .scalar(t)
        }
        var shape: [Int]? = nil
        switch o["shape"] {
        case nil, .null?: break
        case .array(let dims)?:
            var s: [Int] = []
            for d in dims {
                guard case .int(let v) = d, let i = Int(exactly: v) else {
                    throw SignatureError(path: path.appending(key: "shape"), "expected a list of integers")
                }
                s.append(i)
            }
            shape = s
        case let v?: throw SignatureError(path: path.appending(key: "shape"), "expected null or a list, got \(v.kindName)")
        }
        do {
            return try ParamSpec(name: name, type: type, default: o["default"] ?? .null, shape: shape)
        } catch {
            throw SignatureError(path: path, error.message)
        }
    }

    static func paramSchema(_ value: JSONValue) throws(SignatureError) -> ParamSchema {
        guard case .array(let items) = value else {
            throw SignatureError("expected a JSON array of ParamSpec objects, got \(value.kindName)")
        }
        var params: [ParamSpec] = []
        for (i, item) in items.enumerated() {
            let path = JSONPath.root.appending(index: i)
            params.append(try paramSpec(try object(item, path, what: "a ParamSpec"), path))
        }
        return try ParamSchema(params: params)
    }

    static func parseJSON(_ text: String, part: String) throws(SignatureError) -> JSONValue {
        do {
            return try JSONParser.parse(text)
        } catch {
            throw SignatureError(
                part: part, path: error.path,
                "not valid JSON (line \(error.line), column \(error.column)): \(error.description)")
        }
    }
}

extension Schema {
    /// Parses a schema from the JSON string MLflow writes (`signature.inputs` / `.outputs`).
    public init(jsonString: String, part: String = "inputs") throws(SignatureError) {
        do {
            self = try SignatureDecoder.schema(try SignatureDecoder.parseJSON(jsonString, part: part))
        } catch {
            throw error.part == nil ? error.inPart(part) : error
        }
    }

    /// Parses a schema from already-decoded JSON.
    public init(json: JSONValue) throws(SignatureError) {
        self = try SignatureDecoder.schema(json)
    }
}

extension ParamSchema {
    /// Parses a parameter schema from the JSON string MLflow writes (`signature.params`).
    public init(jsonString: String) throws(SignatureError) {
        do {
            self = try SignatureDecoder.paramSchema(try SignatureDecoder.parseJSON(jsonString, part: "params"))
        } catch {
            throw error.part == nil ? error.inPart("params") : error
        }
    }

    /// Parses a parameter schema from already-decoded JSON.
    public init(json: JSONValue) throws(SignatureError) {
        self = try SignatureDecoder.paramSchema(json)
    }
}
