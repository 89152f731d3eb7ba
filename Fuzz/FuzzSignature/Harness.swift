import FuzzSupport
import MLPackCore

/// Signature JSON → `Schema`, `ParamSchema` or `ModelSignature`, chosen by the first byte (`S`, `P`,
/// anything else: the three MLmodel strings inputs, outputs, params separated by NUL bytes, an
/// empty one absent). What is accepted must write (MLflow's strings) and read back to the same strings.
func fuzzOne(_ bytes: [UInt8]) {
    guard let kind = bytes.first else { return }
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
    switch kind {
    case UInt8(ascii: "S"):
        guard let schema = try? Schema(jsonString: text) else { return }
        checkRoundTrip(schema)
    case UInt8(ascii: "P"):
        guard let params = try? ParamSchema(jsonString: text) else { return }
        let written = params.jsonString
        guard let again = try? ParamSchema(jsonString: written) else {
            fatalError("an accepted param schema wrote JSON it cannot read: \(written)")
        }
        fuzzCheck(again.jsonString == written, "param schema changed when written and read back: \(written)")
    default:
        let parts = text.split(separator: "\u{0}", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        func part(_ i: Int) -> String? { i < parts.count && !parts[i].isEmpty ? parts[i] : nil }
        guard let signature = try? ModelSignature(inputs: part(0), outputs: part(1), params: part(2)) else { return }
        let strings = signature.jsonStrings
        guard let again = try? ModelSignature(inputs: strings.inputs, outputs: strings.outputs, params: strings.params) else {
            fatalError("an accepted signature wrote strings it cannot read: \(strings)")
        }
        fuzzCheck(again.jsonStrings == strings, "signature changed when written and read back: \(strings)")
        _ = signature.dictionary
    }
}

func checkRoundTrip(_ schema: Schema) {
    let written = schema.jsonString
    guard let again = try? Schema(jsonString: written) else {
        fatalError("an accepted schema wrote JSON it cannot read: \(written)")
    }
    fuzzCheck(again.jsonString == written, "schema changed when written and read back: \(written)")
}
