import FuzzSupport
import MLPackCore

/// YAML bytes → `MLModel`. What is accepted must write YAML (MLflow's: keys sorted) that reads back
/// as a model writing the same text, with the same fields up to key order.
func fuzzOne(_ bytes: [UInt8]) {
    guard let model = try? MLModel.parse(bytes: bytes) else { return }
    _ = model.unknownKeys
    let text = model.yamlText()
    let again: MLModel
    do {
        again = try MLModel.parse(text)
    } catch {
        fatalError("an accepted MLmodel wrote YAML it cannot read: \(error)\n\(text)")
    }
    fuzzCheck(again.yamlText() == text, "an accepted MLmodel changed when written and read back:\n\(text)")
    fuzzCheck(Set(again.fields.keys) == Set(model.fields.keys), "keys changed when written and read back:\n\(text)")
}
