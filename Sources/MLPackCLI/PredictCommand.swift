import ArgumentParser
import Foundation
import MLPackCore

/// `mlpack predict`: scores a request body with a model, as MLflow's `/invocations` would.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score input with a model (directory or archive) and print MLflow's {\"predictions\": …}.",
        discussion: """
            The input takes the scoring server's forms: JSON with one of dataframe_split, \
            dataframe_records, instances, inputs (plus params), CSV with a header row, or JSON Lines. \
            It goes through the model's signature enforcement first. Numbers are printed in their \
            shortest exact form. The input is held to the server's limits (--max-body-bytes, \
            --max-rows, --max-json-depth, same defaults as `mlpack serve`); stream larger inputs as \
            JSON Lines.

            With --content-type jsonl the command streams: each input line is one record, and one \
            output line (that record's prediction, or an error object) is written per input line, in \
            order and in constant memory. Lines already waiting are encoded together (--batch-size); \
            a line is answered as soon as no other is waiting, so a co-process can write one line \
            and read its answer.

            Examples:
              mlpack predict -m ./similarity -i pairs.json
              echo '{"inputs": {"sentence_1": "a cat", "sentence_2": "a dog"}}' | mlpack predict -m ./similarity
              mlpack predict -m model.zip -i pairs.csv --content-type csv -o scores.json
              cat pairs.jsonl | mlpack predict -m ./similarity --content-type jsonl
            """)

    @Option(name: [.short, .customLong("model")], help: "The model directory, mlpack archive, or models:/ or runs:/ URI.")
    var model: String

    @Option(name: [.short, .customLong("input")], help: "The input file (- or absent: stdin).")
    var input: String = "-"

    @Option(name: .customLong("content-type"), help: "json, csv or jsonl (or a MIME type); default from the file extension, else json.")
    var contentType: String?

    @Option(name: [.short, .customLong("output")], help: "Write the predictions to this file instead of stdout.")
    var output: String?

    @Option(name: .customLong("params"), help: "Inference params as a JSON object, merged over the body's params.")
    var params: String?

    @Option(help: "Threads for the encoder (default: the CPUs this process may use: affinity mask and cgroup quota).")
    var threads: Int?

    @Option(help: PrecisionOption.help)
    var precision: Precision?

    @Option(help: "With jsonl: most waiting lines encoded together (a line is answered at once when no other is waiting).")
    var batchSize: Int = 32

    @Option(help: "Largest input in bytes (with jsonl: largest line), refused before it is read, as `mlpack serve` does.")
    var maxBodyBytes: Int = 16 * 1024 * 1024

    @Option(help: "Most rows in one input (with jsonl: each line is one), refused before scoring, as `mlpack serve` does.")
    var maxRows: Int = 10_000

    @Option(help: "Deepest JSON nesting accepted, as `mlpack serve` does.")
    var maxJsonDepth: Int = 64

    func validate() throws {
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard maxRows >= 1 else { throw ValidationError("--max-rows must be at least 1") }
        guard maxBodyBytes >= 1 else { throw ValidationError("--max-body-bytes must be at least 1") }
        guard (1...1000).contains(maxJsonDepth) else { throw ValidationError("--max-json-depth must be between 1 and 1000") }
    }

    func run() throws {
        let kind = try InputFile.contentType(explicit: contentType, path: input == "-" ? nil : input)
        let extra = try parsedParams()
        let (_, _, loaded, _) = try ModelPath.load(model, threads: threads, precision: PrecisionOption.resolve(precision))
        let pipeline = ScoringPipeline(
            model: loaded,
            parser: RequestParser(maxBodyBytes: maxBodyBytes, jsonOptions: .init(maxDepth: maxJsonDepth, maxInputBytes: maxBodyBytes)))
        if kind == .jsonLines {
            try stream(pipeline, extraParams: extra)
            return
        }
        let body = try InputFile.read(input, maxBytes: maxBodyBytes, limitName: "--max-body-bytes")
        let answer: ScoringAnswer
        do throws(ScoringError) {
            let request = try pipeline.parse(body, contentType: kind)
            if request.rowCount > maxRows { throw ScoringError.tooManyRows(request.rowCount, limit: maxRows) }
            answer = try pipeline.predict(pipeline.enforce(request, extraParams: extra))
        } catch {
            throw CommandFailure(scoring: error)
        }
        for warning in answer.warnings { Terminal.writeError("warning: \(warning)") }
        var text = answer.bodyBytes
        text.append(UInt8(ascii: "\n"))
        if let output {
            do { try AtomicFile.write(Data(text), to: URL(fileURLWithPath: output)) } catch {
                throw CommandFailure("\(output): \(error)")
            }
        } else {
            Terminal.writeOutput(bytes: text)
        }
    }

    private func parsedParams() throws -> JSONObject? {
        guard let params else { return nil }
        do {
            guard case .object(let o) = try JSONParser.parse(Array(params.utf8), source: "--params") else {
                throw CommandFailure("--params: expected a JSON object", exitCode: 2)
            }
            return o
        } catch let f as CommandFailure {
            throw f
        } catch {
            throw CommandFailure("--params: \(error)", exitCode: 2)
        }
    }

    /// JSON Lines as a stream: the lines already waiting (up to `batchSize`) are enforced and
    /// predicted together, and their answers written before the next read, so one line in gives one
    /// line out at once while a fast producer still fills whole batches. Exactly one output line per
    /// input line, in order: the prediction, or an error object naming the line (a blank line too).
    private func stream(_ pipeline: ScoringPipeline, extraParams: JSONObject?) throws {
        let reader: LineReader
        do { reader = try LineReader(path: input, maxLineBytes: maxBodyBytes) } catch { throw CommandFailure("\(InputFile.name(input)): \(error)") }
        let sink: LineSink
        do { sink = try LineSink(path: output) } catch { throw CommandFailure("\(output ?? "-"): \(error)") }
        var failures = 0
        var lineNumber = 0
        while let lines = try readBatch(reader) {
            var parsed: [(line: Int, result: Result<EnforcedInput, ScoringError>)] = []
            for bytes in lines {
                lineNumber += 1
                let number = lineNumber
                parsed.append((number, Result { () throws(ScoringError) in
                    try pipeline.enforce(jsonLine: bytes[...], number: number, extraParams: extraParams)
                }))
            }
            let inputs = parsed.compactMap { try? $0.result.get() }
            var answers = pipeline.predict(batch: inputs).makeIterator()
            var out = ""
            for item in parsed {
                let result = item.result.flatMap { _ in answers.next() ?? .failure(.internalError("no result")) }
                switch result {
                case .success(let answer): out += JSONWriter.python.string(Self.unwrapSingleRow(answer.output.json))
                case .failure(let error):
                    failures += 1
                    out += JSONWriter.python.string(Self.errorLine(item.line, error))
                }
                out += "\n"
            }
            try sink.write(lines: out)
        }
        try sink.close()
        if failures > 0 {
            Terminal.writeError("error: \(failures) of \(lineNumber) lines failed (see their error lines)")
            throw ExitCode(1)
        }
    }

    private func readBatch(_ reader: LineReader) throws -> [[UInt8]]? {
        // A batch also stops at --max-body-bytes of lines: it is held, parsed, at once.
        do { return try reader.nextBatch(limit: batchSize, maxBytes: maxBodyBytes) } catch {
            throw CommandFailure("\(InputFile.name(input)): \(error.localizedDescription)")
        }
    }

    /// A one-record input gives a one-row prediction; the line carries that row.
    static func unwrapSingleRow(_ value: JSONValue) -> JSONValue {
        if case .array(let rows) = value, rows.count == 1 { return rows[0] }
        return value
    }

    static func errorLine(_ line: Int, _ error: ScoringError) -> JSONValue {
        .object(JSONObject([("line", .int(Int64(line))), ("error_code", .string(error.errorCode)), ("message", .string(error.message))]))
    }
}
