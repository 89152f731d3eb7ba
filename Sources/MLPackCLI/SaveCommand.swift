import ArgumentParser
import Foundation
import MLPackCore

/// `mlpack save`: writes a new MLflow model directory through a flavor.
struct SaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Save a sentence-transformers model as an MLflow model directory.",
        discussion: """
            SOURCE is a sentence-transformers directory, an existing MLflow/mlpack model that embeds \
            one, or a model name such as sentence-transformers/all-MiniLM-L6-v2 found in the Hugging \
            Face cache ($HF_HOME/hub) or mlpack's cache. Nothing is downloaded. The signature is \
            inferred from the input example and the model's prediction on it, as MLflow does. The \
            directory is written next to DIR and renamed into place at the end.

            Examples:
              mlpack save --flavor similarity --source sentence-transformers/all-MiniLM-L6-v2 -o ./similarity
              mlpack save --flavor sentence_transformers --source ./all-MiniLM-L6-v2 -o ./embedder \\
                  --input-example example.json --metadata owner=search-team
            """)

    @Option(help: "The flavor to save with (see `mlpack flavors`).")
    var flavor: String

    @Option(help: "Model directory or name to save.")
    var source: String

    @Option(name: [.short, .customLong("output")], help: "The new model directory (must not exist).")
    var output: String

    @Option(name: .customLong("input-example"), help: "An input example: JSON (a scoring body or any JSON value) or CSV.")
    var inputExample: String?

    @Option(name: .customLong("pip-requirements"), parsing: .upToNextOption, help: "Replace the flavor's default pip requirements.")
    var pipRequirements: [String] = []

    @Option(name: .customLong("extra-pip-requirements"), parsing: .upToNextOption, help: "Add pip requirements to the flavor's defaults.")
    var extraPipRequirements: [String] = []

    @Option(name: .customLong("metadata"), parsing: .upToNextOption, help: "key=value entries for MLmodel's metadata.")
    var metadata: [String] = []

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if !pipRequirements.isEmpty && !extraPipRequirements.isEmpty {
            throw ValidationError("--pip-requirements and --extra-pip-requirements cannot be used together (as in MLflow)")
        }
        for entry in metadata where !entry.contains("=") {
            throw ValidationError("--metadata \(entry.prefix(60)): expected key=value")
        }
    }

    func run() throws {
        guard let flavor = FlavorRegistry.shared.flavor(named: flavor) else {
            throw CommandFailure(
                "unknown flavor '\(self.flavor.prefix(60))'; expected one of: \(FlavorRegistry.shared.all.map(\.name).joined(separator: ", "))",
                exitCode: 2)
        }
        let example = try inputExample.map(Self.readExample)
        let request = SaveRequest(
            source: source, inputExample: example, pipRequirements: pipRequirements.isEmpty ? nil : pipRequirements,
            extraPipRequirements: extraPipRequirements,
            metadata: metadata.map { entry in
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            })
        let start = Date()
        let report: ModelSaver.Report
        do {
            report = try ModelSaver().save(request, with: flavor, to: URL(fileURLWithPath: output))
        } catch {
            throw CommandFailure("\(error)")
        }
        let seconds = Date().timeIntervalSince(start)
        if json {
            Terminal.writeOutput(JSONWriter.python.string(.object(JSONObject([
                ("path", .string(report.directory.path)), ("flavor", .string(flavor.name)),
                ("model_size_bytes", .int(Int64(report.sizeBytes))),
                ("signature", .object(report.model.signature.map { s in
                    JSONObject([("inputs", s.inputs.map(JSONValue.string) ?? .null), ("outputs", s.outputs.map(JSONValue.string) ?? .null), ("params", s.params.map(JSONValue.string) ?? .null)])
                } ?? JSONObject())),
                ("seconds", .double(seconds)),
            ]))))
        } else {
            Terminal.writeOutput("saved \(flavor.name) model to \(report.directory.path) (\(report.sizeBytes) bytes, \(String(format: "%.2f", seconds)) s)")
            if let s = report.model.signature {
                Terminal.writeOutput("signature inputs: \(s.inputs ?? "null")\nsignature outputs: \(s.outputs ?? "null")")
            }
        }
    }

    /// Reads an input example file as MLflow's `_Example` would get the value: a scoring body
    /// (dataframe_split, dataframe_records, inputs, instances; with params) or a CSV file gives a
    /// DataFrame or the unwrapped value; any other JSON value is a `json_object` example.
    static func readExample(_ path: String) throws -> InputExample {
        let bytes = try InputFile.read(path)
        let kind = try InputFile.contentType(explicit: nil, path: path)
        do {
            if kind != .json {
                return InputExample(request: try RequestParser().parse(bytes, contentType: kind))
            }
            let value = try JSONParser.parse(bytes, source: path)
            if case .object(let o) = value, o.keys.contains(where: { k in ScoringRequest.Field.allCases.contains { $0.rawValue == k } }) {
                return InputExample(request: try RequestParser().request(from: value))
            }
            return InputExample(data: .json(value))
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }
}
