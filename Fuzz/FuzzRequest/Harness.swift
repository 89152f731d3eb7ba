import FuzzSupport
import MLPackCore

/// The signatures requests are enforced against: every signature of MLflow's enforcement fixtures
/// (fixtures/mlflow/enforcement.jsonl): column signatures of every type, a tensor signature,
/// optional and unnamed columns, params. The input's first byte chooses one, or none.
let signatures: [ModelSignature] = [
    (#"[{"type": "string", "name": "s", "required": true}, {"type": "long", "name": "l", "required": true}, {"type": "integer", "name": "i", "required": true}, {"type": "double", "name": "d", "required": true}, {"type": "float", "name": "f", "required": true}, {"type": "boolean", "name": "b", "required": true}, {"type": "binary", "name": "bin", "required": true}, {"type": "datetime", "name": "dt", "required": true}]"#, nil),
    (#"[{"type": "long", "name": "a", "required": true}, {"type": "string", "name": "b", "required": false}, {"type": "double", "name": "c", "required": false}, {"type": "datetime", "name": "d", "required": false}]"#, nil),
    (#"[{"type": "array", "items": {"type": "string"}, "name": "tags", "required": true}, {"type": "array", "items": {"type": "long"}, "name": "ids", "required": true}, {"type": "array", "items": {"type": "array", "items": {"type": "double"}}, "name": "matrix", "required": true}, {"type": "array", "items": {"type": "boolean"}, "name": "flags", "required": false}]"#, nil),
    (#"[{"type": "object", "properties": {"age": {"type": "long", "required": true}, "email": {"type": "string", "required": false}, "name": {"type": "string", "required": true}}, "name": "person", "required": true}, {"type": "object", "properties": {"labels": {"type": "array", "items": {"type": "string"}, "required": false}, "point": {"type": "object", "properties": {"x": {"type": "double", "required": true}, "y": {"type": "double", "required": true}}, "required": true}}, "name": "meta", "required": true}]"#, nil),
    (#"[{"type": "map", "values": {"type": "double"}, "name": "scores", "required": true}, {"type": "map", "values": {"type": "string"}, "name": "labels", "required": true}, {"type": "map", "values": {"type": "array", "items": {"type": "long"}}, "name": "lists", "required": false}]"#, nil),
    (#"[{"type": "any", "name": "any", "required": true}, {"type": "array", "items": {"type": "any"}, "name": "any_list", "required": true}, {"type": "object", "properties": {"v": {"type": "any", "required": true}}, "name": "obj", "required": true}, {"type": "map", "values": {"type": "any"}, "name": "any_map", "required": true}, {"type": "long", "name": "n", "required": true}]"#, nil),
    (#"[{"type": "long", "required": true}, {"type": "double", "required": true}, {"type": "string", "required": true}]"#, nil),
    (#"[{"type": "string", "required": true}]"#, nil),
    (#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]"#, nil),
    (#"[{"type": "tensor", "tensor-spec": {"dtype": "int32", "shape": [-1]}}]"#, nil),
    (#"[{"type": "tensor", "tensor-spec": {"dtype": "uint8", "shape": [-1, 2, 2, 3]}}]"#, nil),
    (#"[{"name": "x", "type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 2]}}, {"name": "y", "type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}, {"name": "mask", "type": "tensor", "tensor-spec": {"dtype": "bool", "shape": [-1]}}]"#, nil),
    (#"[{"name": "text", "type": "tensor", "tensor-spec": {"dtype": "str", "shape": [-1]}}, {"name": "raw", "type": "tensor", "tensor-spec": {"dtype": "bytes", "shape": [-1]}}]"#, nil),
    (#"[{"type": "tensor", "tensor-spec": {"dtype": "float16", "shape": [2, 3]}}]"#, nil),
    (#"[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, -1]}}]"#, nil),
    (#"[{"type": "string", "name": "text", "required": true}]"#, #"[{"name": "s", "default": "hello", "shape": null, "type": "string"}, {"name": "l", "default": 16, "shape": null, "type": "long"}, {"name": "i", "default": 2, "shape": null, "type": "integer"}, {"name": "d", "default": 0.5, "shape": null, "type": "double"}, {"name": "f", "default": 0.25, "shape": null, "type": "float"}, {"name": "b", "default": true, "shape": null, "type": "boolean"}, {"name": "dt", "default": "2024-01-02T03:04:05", "shape": null, "type": "datetime"}, {"name": "ls", "default": ["a", "b"], "shape": [-1], "type": "string"}, {"name": "ll", "default": [1, 2], "shape": [-1], "type": "long"}, {"name": "ld", "default": [0.5, 1.5], "shape": [-1], "type": "double"}, {"name": "obj", "default": {"k": "v"}, "shape": null, "type": "object", "properties": {"k": {"type": "string", "required": true}, "n": {"type": "long", "required": false}}}, {"name": "opt", "default": null, "shape": null, "type": "string"}]"#),
    (#"[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}]"#, #"[{"name": "k", "default": 3, "shape": null, "type": "long"}, {"name": "mode", "default": "fast", "shape": null, "type": "string"}]"#)
].map { (inputs: String?, params: String?) in try! ModelSignature(inputs: inputs, outputs: nil, params: params) }

/// Byte 0 chooses a signature (or none), the first line after it is the request's `Content-Type`,
/// the rest is the body: parsed and enforced as `POST /invocations` does (SchemaEnforcer).
/// Anything may be refused with a ScoringError; nothing may crash, hang or take more than 512 MB.
func fuzzOne(_ bytes: [UInt8]) {
    guard let selector = bytes.first else { return }
    let rest = bytes.dropFirst()
    let newline = rest.firstIndex(of: 0x0A) ?? rest.endIndex
    let contentTypeHeader = String(decoding: rest[rest.startIndex..<newline], as: UTF8.self)
    let body = newline == rest.endIndex ? [] : Array(rest[(newline + 1)...])
    let index = Int(selector) % (signatures.count + 1)
    let signature = index == signatures.count ? nil : signatures[index]
    guard let contentType = try? RequestContentType(mimeType: contentTypeHeader) else { return }
    _ = try? SchemaEnforcer.enforce(body: body, contentType: contentType, signature: signature)
}
