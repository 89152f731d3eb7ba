/// Errors raised while loading or running a BERT / sentence-transformers model. Each names the
/// file and the key (or tensor) at fault and what was expected.
public enum BERTError: Error, CustomStringConvertible, Equatable {
    /// A file is missing or cannot be read.
    case unreadable(file: String, reason: String)
    /// A JSON file is not valid JSON or not an object.
    case malformed(file: String, reason: String)
    /// A key is missing, has the wrong type, or its value is out of range.
    case invalidValue(file: String, key: String, expected: String)
    /// A model feature this engine does not implement.
    case unsupported(file: String, key: String, value: String)
    /// config.json names an encoder architecture this engine does not run.
    case unsupportedArchitecture(file: String, modelType: String, supported: [String])
    /// A safetensors file whose header or data is inconsistent.
    case invalidSafeTensors(file: String, tensor: String?, reason: String)
    /// A tensor the model needs is absent or has the wrong shape.
    case missingTensor(file: String, tensor: String, expectedShape: [Int])
    /// The directory only has PyTorch pickle weights.
    case pickleWeightsOnly(directory: String)
    /// A model name that is not in any local cache.
    case modelNotFound(name: String, searched: [String])
    /// An argument of `encode` out of range.
    case invalidArgument(name: String, expected: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read (\(reason))"
        case .malformed(let file, let reason):
            return "\(file): malformed (\(reason))"
        case .invalidValue(let file, let key, let expected):
            return "\(file): key \(key): expected \(expected)"
        case .unsupported(let file, let key, let value):
            return "\(file): key \(key): unsupported value \(value)"
        case .unsupportedArchitecture(let file, let modelType, let supported):
            return "\(file): key model_type: unsupported value \(modelType) "
                + "(supported: \(supported.joined(separator: ", ")))"
        case .invalidSafeTensors(let file, let tensor, let reason):
            return "\(file): \(tensor.map { "tensor \($0): " } ?? "")\(reason)"
        case .missingTensor(let file, let tensor, let shape):
            return "\(file): tensor \(tensor) with shape \(shape) is missing or has another shape"
        case .pickleWeightsOnly(let directory):
            return "\(directory): only pytorch_model.bin is present; mlpack reads model.safetensors only. "
                + "Convert it, e.g. in Python: `from safetensors.torch import save_file; import torch; "
                + "save_file(torch.load('pytorch_model.bin'), 'model.safetensors')`"
        case .modelNotFound(let name, let searched):
            return "model \(name) not found in \(searched.joined(separator: ", ")) "
                + "(mlpack never downloads; fetch it with Python's huggingface_hub or scripts/fetch-model.sh)"
        case .invalidArgument(let name, let expected):
            return "argument \(name): expected \(expected)"
        }
    }
}
