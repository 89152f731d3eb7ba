import Foundation
import FuzzSupport
import MLPackBERT

let file = FuzzHarness.scratchDirectory.appendingPathComponent("model.safetensors")

/// A safetensors file (8-byte header length, JSON header, data): every tensor the header lists lies
/// inside the file with as many bytes as its shape and dtype need, and every floating-point tensor
/// reads as Float32 values of its shape.
func fuzzOne(_ bytes: [UInt8]) {
    FuzzHarness.write(bytes, to: file)
    guard let tensors = try? SafeTensorsFile(url: file) else { return }
    let headerEnd = 8 + Int(bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    for (name, entry) in tensors.entries {
        fuzzCheck(entry.offset >= headerEnd && entry.offset + entry.byteCount <= bytes.count, "tensor \(name) outside the file")
        let elements = entry.shape.reduce(1) { $0 * $1 }
        fuzzCheck(entry.shape.allSatisfy { $0 >= 0 } && elements * entry.dtype.size == entry.byteCount,
                     "tensor \(name): shape \(entry.shape) of \(entry.dtype) in \(entry.byteCount) bytes")
        switch entry.dtype {
        case .f32, .f16, .bf16, .f64:
            guard let values = try? tensors.floats(name, shape: entry.shape) else { continue }
            fuzzCheck(values.count == elements, "tensor \(name): \(values.count) values for \(elements) elements")
            var sum: Float = 0
            for i in 0..<values.count { sum += values.pointer[i] }
            _ = sum
            tensors.release(values)
        default: break
        }
    }
}
