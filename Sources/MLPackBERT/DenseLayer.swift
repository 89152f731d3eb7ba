import Foundation
import MLPackBLAS

/// A sentence-transformers `Dense` module: `y = activation(x · Wᵀ + b)`.
struct DenseLayer: Sendable {
    enum Activation: Sendable { case identity, tanh }
    let inFeatures: Int
    let outFeatures: Int
    let weight: FloatTensor
    let bias: FloatTensor?
    let activation: Activation
    let weights: SafeTensorsFile

    init(directory: URL, label: String) throws {
        let config = try JSONFile(url: directory.appendingPathComponent("config.json"), name: label + "/config.json")
        inFeatures = try config.int("in_features", in: 1...1_000_000)
        outFeatures = try config.int("out_features", in: 1...1_000_000)
        let hasBias = try config.bool("bias", default: true)
        let act = try config.string("activation_function", default: "torch.nn.modules.activation.Tanh")
        switch act.split(separator: ".").last.map(String.init) ?? act {
        case "Tanh": activation = .tanh
        case "Identity": activation = .identity
        default: throw BERTError.unsupported(file: label + "/config.json", key: "activation_function", value: act)
        }
        let st = directory.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: st.path) else {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("pytorch_model.bin").path) {
                throw BERTError.pickleWeightsOnly(directory: label)
            }
            throw BERTError.unreadable(file: label + "/model.safetensors", reason: "no such file")
        }
        weights = try SafeTensorsFile(url: st)
        weight = try weights.floats("linear.weight", shape: [outFeatures, inFeatures])
        bias = hasBias ? try weights.floats("linear.bias", shape: [outFeatures]) : nil
    }

    /// Applies the layer to `rows` rows of `inFeatures` floats.
    func apply(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        BLAS.sgemm(m: rows, n: outFeatures, k: inFeatures, a: x, b: weight.pointer, transposeB: true, c: y)
        if let bias { Kernels.addBias(y, rows: rows, n: outFeatures, bias: bias.pointer) }
        if activation == .tanh {
            for i in 0..<(rows * outFeatures) { y[i] = Foundation.tanh(y[i]) }
        }
    }
}
