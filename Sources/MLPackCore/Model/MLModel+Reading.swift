import Foundation
import MLPackYAML

extension MLModel {
    /// Largest `MLmodel` file read (MLflow's are a few kilobytes).
    public static let maxFileBytes = 4 << 20

    /// Reads `MLmodel` from a model directory, or from the file itself when `url` names it.
    /// Refuses symlinks and files over `maxFileBytes`.
    public static func load(from url: URL) throws(MLModelError) -> MLModel {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else { throw .notFound(path: url.path) }
        let file = isDir.boolValue ? url.appendingPathComponent(fileName) : url
        guard let attrs = try? fm.attributesOfItem(atPath: file.path) else { throw .notFound(path: file.path) }
        if attrs[.type] as? FileAttributeType == .typeSymbolicLink {
            throw .unreadable(path: file.path, reason: "it is a symbolic link; expected a regular file")
        }
        guard attrs[.type] as? FileAttributeType == .typeRegular else {
            throw .unreadable(path: file.path, reason: "expected a regular file")
        }
        if let size = attrs[.size] as? Int, size > maxFileBytes {
            throw .unreadable(path: file.path, reason: "file is \(size) bytes, more than the limit of \(maxFileBytes)")
        }
        guard let data = fm.contents(atPath: file.path) else {
            throw .unreadable(path: file.path, reason: "permission denied or I/O error")
        }
        return try parse(bytes: [UInt8](data), file: file.path)
    }

    /// Parses `MLmodel` text. `file` names the source in errors.
    public static func parse(_ text: String, file: String = fileName) throws(MLModelError) -> MLModel {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses `MLmodel` bytes. `file` names the source in errors.
    public static func parse(bytes: [UInt8], file: String = fileName) throws(MLModelError) -> MLModel {
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(bytes: bytes, file: file, limits: YAMLReadLimits(maxBytes: maxFileBytes))
        } catch {
            throw .yaml(error)
        }
        guard let root else { throw .empty(path: file) }
        try validate(root, file: file)
        guard case .mapping(let map) = root.value else { throw .notAMapping(path: file, line: root.mark.line, column: root.mark.column, found: root.value.kindDescription) }
        return MLModel(validated: map)
    }

    init(validated fields: YAMLMapping) {
        self.fields = fields
        self.signatureParse = Self.parseSignature(fields)
    }

    /// Parses the `signature` block of validated `fields` (the one place MLmodel signature strings
    /// become a ``ModelSignature``).
    static func parseSignature(_ fields: YAMLMapping) -> Result<ModelSignature?, SignatureError> {
        guard let block = fields["signature"]?.mappingValue else { return .success(nil) }
        return Result { () throws(SignatureError) -> ModelSignature? in
            try ModelSignature(
                inputs: block["inputs"]?.stringValue, outputs: block["outputs"]?.stringValue, params: block["params"]?.stringValue)
        }
    }

    /// What a known key must hold.
    private enum Expected {
        case string, int, bool, mapping, stringList, flavors, signature

        var text: String {
            switch self {
            case .string: return "a string or null"
            case .int: return "an integer or null"
            case .bool: return "a boolean or null"
            case .mapping: return "a mapping or null"
            case .stringList: return "a list of strings or null"
            case .flavors: return "a mapping of flavor names to mappings"
            case .signature: return "a mapping with 'inputs', 'outputs', 'params' JSON strings, or null"
            }
        }
    }

    private static let expectations: [String: Expected] = [
        "artifact_path": .string, "run_id": .string, "model_uuid": .string, "model_id": .string,
        "mlflow_version": .string, "utc_time_created": .string, "databricks_runtime": .string,
        "model_size_bytes": .int, "is_signature_from_type_hint": .bool, "type_hint_from_example": .bool,
        "metadata": .mapping, "resources": .mapping, "auth_policy": .mapping, "wheels": .mapping,
        "saved_input_example_info": .mapping, "prompts": .stringList, "env_vars": .stringList,
        "flavors": .flavors, "signature": .signature,
    ]

    /// Checks the document: a mapping with string keys whose known keys hold the right types.
    static func validate(_ root: YAMLNode, file: String) throws(MLModelError) {
        guard let pairs = root.mappingPairs else {
            throw .notAMapping(path: file, line: root.mark.line, column: root.mark.column, found: root.value.kindDescription)
        }
        for (keyNode, valueNode) in pairs {
            guard let key = keyNode.value.stringValue else {
                throw .nonStringKey(path: file, keyPath: "\(keyNode.value)", line: keyNode.mark.line, column: keyNode.mark.column)
            }
            guard let expected = expectations[key] else { continue }
            try check(valueNode, expected, keyPath: key, file: file)
        }
    }

    private static func check(_ node: YAMLNode, _ expected: Expected, keyPath: String, file: String) throws(MLModelError) {
        let value = node.value
        func fail(_ at: YAMLNode, _ path: String, _ exp: String) -> MLModelError {
            .wrongType(path: file, keyPath: path, line: at.mark.line, column: at.mark.column, expected: exp, found: at.value.kindDescription)
        }
        let nullable = expected != .flavors
        if nullable && value.isNull { return }
        switch expected {
        case .string:
            guard value.stringValue != nil else { throw fail(node, keyPath, expected.text) }
        case .int:
            guard value.intValue != nil else { throw fail(node, keyPath, expected.text) }
        case .bool:
            guard value.boolValue != nil else { throw fail(node, keyPath, expected.text) }
        case .mapping:
            guard node.mappingPairs != nil else { throw fail(node, keyPath, expected.text) }
        case .stringList:
            guard let items = node.sequenceItems else { throw fail(node, keyPath, expected.text) }
            for (i, item) in items.enumerated() where item.value.stringValue == nil {
                throw fail(item, "\(keyPath)[\(i)]", "a string")
            }
        case .flavors:
            guard let flavors = node.mappingPairs else { throw fail(node, keyPath, expected.text) }
            for (nameNode, configNode) in flavors {
                guard let name = nameNode.value.stringValue else {
                    throw .nonStringKey(path: file, keyPath: keyPath, line: nameNode.mark.line, column: nameNode.mark.column)
                }
                guard configNode.mappingPairs != nil else { throw fail(configNode, "flavors.\(name)", "a mapping of flavor settings") }
            }
        case .signature:
            guard let parts = node.mappingPairs else { throw fail(node, keyPath, expected.text) }
            for (partKey, partValue) in parts {
                guard let name = partKey.value.stringValue, ["inputs", "outputs", "params"].contains(name) else { continue }
                if !partValue.value.isNull && partValue.value.stringValue == nil {
                    throw fail(partValue, "signature.\(name)", "a JSON string or null")
                }
            }
        }
    }
}
