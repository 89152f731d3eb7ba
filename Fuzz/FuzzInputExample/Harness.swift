import FuzzSupport
import MLPackCore

/// The `saved_input_example_info` mappings an MLmodel may carry (MLflow's types and pandas
/// orients, with and without params); the input's first byte chooses one.
let infos: [[String: String]] = [
    ["type": "dataframe", "pandas_orient": "split"],
    ["type": "dataframe", "pandas_orient": "values"],
    ["type": "dataframe"],
    ["type": "ndarray"],
    ["type": "json_object"],
    ["type": "sparse_matrix_csr"],
    ["type": "sparse_matrix_csc"],
    ["type": "dataframe", "pandas_orient": "split", "params": "true"],
    ["type": "ndarray", "params": "true"],
    ["type": "json_object", "params": "true"],
    ["type": "dataframe", "pandas_orient": "records"],
    [:],
].map { info in info.merging(["artifact_path": InputExample.fileName, "serving_input_path": InputExample.servingFileName]) { a, _ in a } }

/// Byte 0 chooses the `saved_input_example_info`; the rest is `input_example.json`, read as
/// `mlpack load` and `mlpack validate` read it. What is accepted is written back as MLflow writes
/// it (input_example.json, serving_input_example.json, the info mapping): reading what was written
/// gives an example that writes the same bytes, and the serving example parses back to the body
/// the example produces (what `validate` checks a model's two files against).
func fuzzOne(_ bytes: [UInt8]) {
    guard let selector = bytes.first else { return }
    let info = infos[Int(selector) % infos.count]
    guard let example = try? InputExample(inputExampleBytes: Array(bytes.dropFirst()), info: info) else { return }
    let written = example.inputExampleBytes
    let again: InputExample
    do {
        again = try InputExample(inputExampleBytes: written, info: example.savedInfo)
    } catch {
        fatalError("the written example does not read back (\(error)): \(String(decoding: written.prefix(300), as: UTF8.self))")
    }
    fuzzCheck(again.inputExampleBytes == written,
              "written twice differently: \(String(decoding: written.prefix(300), as: UTF8.self)) vs \(String(decoding: again.inputExampleBytes.prefix(300), as: UTF8.self))")
    let serving = example.servingInputBytes
    guard let parsed = try? JSONParser.parse(serving, source: InputExample.servingFileName) else {
        fatalError("serving_input_example.json does not parse: \(String(decoding: serving.prefix(300), as: UTF8.self))")
    }
    if let mismatch = again.servingMismatch(parsed) { fatalError("serving example mismatch: \(mismatch)") }
}
