import ArgumentParser
import Foundation
import MLPackCore

/// `mlpack infer-signature`: the `signature` block MLflow's `infer_signature` would write for a sample.
struct InferSignatureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer-signature",
        abstract: "Infer an MLflow signature from an input sample (and optionally an output sample and params).",
        discussion: """
            SAMPLE is a scoring body (dataframe_split, dataframe_records, inputs, instances), any other \
            JSON value (taken as the Python value json.loads gives), a CSV file with a header row, or JSON \
            Lines. An output sample that is a rectangular numeric array is inferred as the numpy array it \
            stands for. The strings are exactly those mlflow.models.infer_signature writes into MLmodel.

            Examples:
              mlpack infer-signature -i example.json
              mlpack infer-signature -i example.json --output-sample output.json --format yaml
              echo '[[0.6341]]' > out.json; mlpack infer-signature -i pairs.csv --output-sample out.json
            """)

    @Option(name: [.short, .customLong("input")], help: "The input sample (JSON, CSV or JSON Lines; - for stdin).")
    var input: String

    @Option(name: .customLong("output-sample"), help: "A sample of the model's output (JSON).")
    var outputSample: String?

    @Option(name: .customLong("params"), help: "A JSON object of inference params with their default values.")
    var params: String?

    @Option(help: "Output format: json or yaml.")
    var format: SignatureFormat = .json

    @Option(name: .customLong("content-type"), help: "Format of the input sample: json, csv or jsonl (default: from the file extension, else json).")
    var contentType: String?

    enum SignatureFormat: String, ExpressibleByArgument, CaseIterable { case json, yaml }

    func run() throws {
        let kind = try InputFile.contentType(explicit: contentType, path: input)
        let inputBytes = try InputFile.read(input)
        let sample: SampleValue
        do {
            if kind == .json {
                sample = try SampleValue(inputJSON: try JSONParser.parse(inputBytes))  // the error is prefixed with the name below
            } else {
                sample = SampleValue(inputRequest: try RequestParser().parse(inputBytes, contentType: kind))
            }
        } catch {
            throw CommandFailure("\(InputFile.name(input)): \(error)")
        }
        var output: SampleValue?
        if let outputSample {
            do {
                output = try SampleValue(outputJSON: try JSONParser.parse(try InputFile.read(outputSample)))  // named below
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("\(outputSample): \(error)")
            }
        }
        var paramEntries: [SampleValue.DictEntry]?
        if let params {
            let value: JSONValue
            do { value = try JSONParser.parse(try InputFile.read(params), source: params) } catch let f as CommandFailure { throw f } catch {
                throw CommandFailure("\(params): \(error)")
            }
            guard case .object(let o) = value else { throw CommandFailure("\(params): expected a JSON object of params, got \(value.kindName)") }
            paramEntries = o.members.map { SampleValue.DictEntry($0.key, SampleValue(json: $0.value)) }
        }
        let result: SignatureInference.Result
        do {
            result = try SignatureInference.infer(input: sample, output: output, params: paramEntries)
        } catch {
            throw CommandFailure(error.description)
        }
        for line in result.warnings + result.logs { Terminal.writeError("warning: \(line)") }
        let strings = result.signature.jsonStrings
        switch format {
        case .json:
            let text = { (s: String?) -> JSONValue in s.map(JSONValue.string) ?? .null }
            Terminal.writeOutput(JSONWriter.python.string(.object(JSONObject([
                ("inputs", text(strings.inputs)), ("outputs", text(strings.outputs)), ("params", text(strings.params)),
            ]))))
        case .yaml:
            var model = MLModel(flavors: [])
            model.setSignature(MLModelSignatureStrings(inputs: strings.inputs, outputs: strings.outputs, params: strings.params))
            let block: YAMLMapping = ["signature": model["signature"] ?? .null]
            Terminal.writeOutput(YAMLEmitter.emit(.mapping(block)))
        }
    }
}
