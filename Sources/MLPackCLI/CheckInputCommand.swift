import ArgumentParser
import Foundation
import MLPackCore
import MLPackTracking

/// `mlpack check-input`: enforce a model's signature on a request body without running the model.
struct CheckInputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-input",
        abstract: "Enforce a model's signature on a request body, without running the model.",
        discussion: """
            Reads only MODEL/MLmodel, so it works for any model directory, including flavors mlpack \
            cannot run. Prints the input the model would receive, as JSON: a table as \
            {"columns": [...], "types": {...}, "data": [[...]]}, a tensor as {"dtype", "shape", "data"}, \
            plus the enforced "params". Without a signature, prints the input as parsed. Warnings \
            (extra columns dropped, unknown params ignored) go to stderr. Exit 0 when the input is \
            accepted, 1 (with the error on stderr) when it is not.

            Examples:
              mlpack check-input -m ./model -i request.json
              echo '{"inputs": {"sentence_1": "a", "sentence_2": "b"}}' | mlpack check-input -m ./model -i -
              mlpack check-input -m ./model -i rows.csv --content-type text/csv
            """)

    @Option(name: [.customShort("m"), .customLong("model")], help: "The model directory (or its MLmodel file), or a models:/ or runs:/ URI.")
    var model: String

    @Option(name: [.customShort("i"), .customLong("input")], help: "The request body file ('-' for stdin).")
    var input: String

    @Option(name: .customLong("content-type"),
            help: "json, csv, jsonl, or a MIME type (application/json, text/csv).")
    var contentType: String = "json"

    /// Largest body read.
    static let maxBodyBytes = 64 << 20

    func run() throws {
        let type: RequestContentType
        do {
            type = try RequestContentType(mimeType: contentType)
        } catch {
            throw CommandFailure(scoring: error)
        }
        let mlmodel: MLModel
        do {
            let location = ModelURI.isTrackingURI(model) ? try ModelPath.directory(for: model) : URL(fileURLWithPath: model)
            mlmodel = try MLModel.load(from: location)
        } catch {
            throw CommandFailure(error)
        }
        let signature: ModelSignature?
        do {
            signature = try mlmodel.parsedSignature
        } catch {
            throw CommandFailure("\(model)/MLmodel: invalid signature: \(error)")
        }
        let body = try readBody()
        do {
            let enforced = try SchemaEnforcer.enforce(body: body, contentType: type, signature: signature)
            for w in enforced.warnings { Terminal.writeError("warning: \(w)") }
            Terminal.writeOutput(JSONWriter.python.string(enforced.checkInputJSON))
        } catch {
            throw CommandFailure(scoring: error)
        }
    }

    func readBody() throws -> [UInt8] {
        if input == "-" {
            let data = FileHandle.standardInput.readData(ofLength: Self.maxBodyBytes + 1)
            guard data.count <= Self.maxBodyBytes else { throw CommandFailure("stdin: the body is larger than \(Self.maxBodyBytes) bytes") }
            return [UInt8](data)
        }
        let url = URL(fileURLWithPath: input)
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: url.path) else {
            throw CommandFailure("\(input): no such file")
        }
        guard attrs[.type] as? FileAttributeType == .typeRegular else { throw CommandFailure("\(input): not a regular file") }
        if let size = attrs[.size] as? Int, size > Self.maxBodyBytes {
            throw CommandFailure("\(input): \(size) bytes, more than the limit of \(Self.maxBodyBytes)")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else { throw CommandFailure("\(input): cannot be read") }
        return [UInt8](data)
    }
}
