import ArgumentParser
import Foundation
import MLPackBLAS
import MLPackCore

/// `mlpack load`: loads a model through its flavor (weights included) and describes it.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a model (directory or archive) through its flavor and describe it.",
        discussion: """
            Prints the flavor that loaded it, the MLmodel's flavors, what the flavor found in the model \
            (for a sentence-transformers model: its encoder architecture, tokenizer type, embedding width \
            and maximum length), the signature, the input example (and the model's prediction on it), the \
            size on disk and the load time.

            Examples:
              mlpack load ./similarity
              mlpack load model.zip --json
            """)

    @Argument(help: "The model directory, mlpack archive, or models:/ or runs:/ URI.")
    var model: String

    @Flag(help: "Print the description as JSON.")
    var json = false

    @Option(help: "Threads for the encoder (default: the CPUs this process may use: affinity mask and cgroup quota).")
    var threads: Int?

    @Option(help: PrecisionOption.help)
    var precision: Precision?

    func run() throws {
        let start = Date()
        let threads = self.threads ?? AvailableCPUs.count
        let precision = try PrecisionOption.resolve(self.precision)
        let (directory, mlmodel, loaded, flavor) = try ModelPath.load(model, threads: threads, precision: precision)
        // What the model computes with (a model without an encoder: what was asked, no kernel).
        let compute = loaded.computePrecision ?? ComputePrecision(precision: precision)
        let loadSeconds = Date().timeIntervalSince(start)
        let size = (try? ModelSaver.totalFileSize(directory)) ?? 0
        var example: InputExample?
        var prediction: JSONValue?
        var predictSeconds: Double?
        if let info = mlmodel.savedInputExampleInfo, let path = info["artifact_path"]?.stringValue {
            var strings: [String: String] = [:]
            for e in info.entries { if let k = e.key.stringValue, let v = e.value.stringValue { strings[k] = v } }
            do {
                let bytes = [UInt8](try Data(contentsOf: try ModelDirectory(directory).resolve(path)))
                example = try InputExample(inputExampleBytes: bytes, info: strings)
                let t = Date()
                let enforced = try SchemaEnforcer.enforce(input: example!.modelInput, params: example!.params, signature: loaded.signature)
                prediction = try ScoringPipeline(model: loaded).predict(enforced).output.json
                predictSeconds = Date().timeIntervalSince(t)
            } catch let error as InputExampleError {
                throw CommandFailure("\(path): \(error.message)")
            } catch {
                throw CommandFailure("\(path): \(error)")
            }
        }
        let signature = mlmodel.signature
        if json {
            let sig: JSONValue = signature.map { s in
                .object(JSONObject([("inputs", s.inputs.map(JSONValue.string) ?? .null), ("outputs", s.outputs.map(JSONValue.string) ?? .null), ("params", s.params.map(JSONValue.string) ?? .null)]))
            } ?? .null
            Terminal.writeOutput(JSONWriter.python.string(.object(JSONObject([
                ("path", .string(directory.path)), ("loaded_by", .string(flavor.name)),
                ("flavors", .array(mlmodel.flavors.map { .string($0.name) })),
                ("signature", sig), ("input_example", example.map { $0.inputExampleJSON } ?? .null),
                ("example_prediction", prediction ?? .null),
                ("size_bytes", .int(Int64(size))), ("load_seconds", .double(loadSeconds)), ("threads", .int(Int64(threads))),
                ("blas_core", .string(KernelDispatch.current.core)),
                ("blas_core_detected", KernelDispatch.current.detected.map(JSONValue.string) ?? .null),
                ("precision", .string(compute.precision.rawValue)),
                ("int8_kernel", compute.kernel.map(JSONValue.string) ?? .null),
                ("predict_seconds", predictSeconds.map(JSONValue.double) ?? .null),
                ("model_details", .object(JSONObject(loaded.details.map { ($0.key, $0.value) }))),
            ]))))
            return
        }
        Terminal.writeOutput("""
            model:      \(directory.path)
            loaded by:  \(flavor.name) flavor (MLmodel flavors: \(mlmodel.flavors.map(\.name).joined(separator: ", ")))
            size:       \(size) bytes
            load time:  \(String(format: "%.3f", loadSeconds)) s
            threads:    \(threads)\(self.threads == nil ? " (the CPUs this process may use)" : "")
            blas:       OpenBLAS \(Self.blasDescription)
            precision:  \(compute.description)
            """)
        for d in loaded.details {
            let label = d.label + ":"
            Terminal.writeOutput(label.padding(toLength: max(12, label.count + 1), withPad: " ", startingAt: 0) + d.text)
        }
        if let s = signature {
            Terminal.writeOutput("inputs:     \(s.inputs ?? "null")\noutputs:    \(s.outputs ?? "null")\nparams:     \(s.params ?? "null")")
        } else {
            Terminal.writeOutput("signature:  none")
        }
        if let example, let prediction {
            let text = JSONWriter.python.string(prediction)
            Terminal.writeOutput("example:    \(JSONWriter.python.string(example.inputExampleJSON).prefix(200))")
            Terminal.writeOutput("prediction: \(text.count > 200 ? text.prefix(200) + "..." : Substring(text)) (\(String(format: "%.3f", predictSeconds ?? 0)) s)")
        }
    }

    /// The kernel family in use, and why (mlpack's choice when OpenBLAS did not recognise the CPU).
    static var blasDescription: String {
        let (core, detected) = KernelDispatch.current
        guard let detected else { return "\(core) kernels" }
        return "\(core) kernels (chosen by mlpack from the CPU's flags; OpenBLAS detected \(detected))"
    }
}
