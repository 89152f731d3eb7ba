import Foundation
import MLPackTestSupport
import Testing

/// Resource bombs: inputs that claim, or hold, far more than mlpack will read. Each runs the real
/// `mlpack` binary on a bomb made in a temporary directory at test time, expects a clear error
/// naming the file (or the option) and the cap, nothing written, and measures the binary's peak
/// resident memory: GNU time's `%M`, the `ru_maxrss` that `wait4` reports for its child. (Timing
/// through a small intermediate process matters: a child made by fork or posix_spawn starts its
/// `ru_maxrss` from its parent's resident size, here the test runner's.) The caps are listed in
/// docs/limits.md.
@Suite(.serialized)
struct ResourceBombTests {
    /// Peak resident memory allowed while a bomb is refused. The binary with the tiny model loaded
    /// takes about 50 MB; the most read before a refusal is one request body or JSON Lines line
    /// (16 MiB, `--max-body-bytes`) with at most 2,000,000 parsed JSON values, or one tokenizer file
    /// (64 MiB).
    /// Under AddressSanitizer (scripts/test-sanitizers.sh sets MLPACK_SANITIZER) the binary's peak
    /// includes ASan's shadow memory and its 256 MB quarantine of freed blocks (measured up to 700 MB):
    /// there the bound only catches a bomb that really allocates.
    static let boundMB = TestFixtures.underSanitizer ? 1024.0 : 150.0

    struct Measured {
        var status: Int32
        var stdout: String
        var stderr: String
        var peakMB: Double
    }

    /// Runs `mlpack arguments` under `/usr/bin/time -f %M` (stdout and stderr to files: a refused
    /// bomb's output is read back whole, however long).
    static func measure(_ name: String, _ arguments: [String], stdin: URL? = nil, in temp: URL) throws -> Measured {
        let time = URL(fileURLWithPath: "/usr/bin/time")
        guard FileManager.default.isExecutableFile(atPath: time.path) else {
            throw CLIError("GNU time is not installed at /usr/bin/time (Debian package `time`, see scripts/install-deps.sh)")
        }
        let peakFile = temp.appendingPathComponent("\(name).peak"), outFile = temp.appendingPathComponent("\(name).out"),
            errFile = temp.appendingPathComponent("\(name).err")
        for file in [outFile, errFile] { FileManager.default.createFile(atPath: file.path, contents: nil) }
        let process = Process()
        process.executableURL = time
        process.arguments = ["-f", "%M", "-o", peakFile.path, CLIRunner.executable.path] + arguments
        process.currentDirectoryURL = temp
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        let out = try FileHandle(forWritingTo: outFile), err = try FileHandle(forWritingTo: errFile)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        // GNU time writes "Command exited with non-zero status N" first when the status is not 0.
        let report = try String(contentsOf: peakFile, encoding: .utf8)
        guard let kilobytes = report.split(separator: "\n").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw CLIError("no peak in GNU time's report: \(report)")
        }
        let measured = Measured(
            status: process.terminationStatus, stdout: try String(contentsOf: outFile, encoding: .utf8),
            stderr: try String(contentsOf: errFile, encoding: .utf8), peakMB: kilobytes / 1024)
        let said = (measured.stderr.split(separator: "\n").first ?? measured.stdout.split(separator: "\n").first).map(String.init) ?? ""
        print("bomb \(name): peak RSS \(String(format: "%.1f", measured.peakMB)) MB (bound \(Int(boundMB)) MB), exit \(measured.status): \(said.prefix(300))")
        return measured
    }

    struct CLIError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Expects a refusal: exit 1, `expected` in stderr, a bounded peak, a short message.
    static func expectRefused(_ m: Measured, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(m.status == 1, "exit \(m.status): \(m.stderr.prefix(500))", sourceLocation: sourceLocation)
        #expect(m.stderr.contains(expected), "expected \(expected) in: \(m.stderr.prefix(1000))", sourceLocation: sourceLocation)
        #expect(m.peakMB < boundMB, "peak \(m.peakMB) MB", sourceLocation: sourceLocation)
        #expect(m.stderr.utf8.count < 2000, "an error message of \(m.stderr.utf8.count) bytes", sourceLocation: sourceLocation)
    }

    // MARK: Model directories (a similarity model saved from the tiny BERT, then its encoder's files edited)

    /// Saves a similarity model from the tiny BERT, lets `mutate` plant the bomb in its encoder's
    /// directory (`artifacts/sbert_model`, the layout sentence-transformers writes), then runs
    /// `mlpack load` on it.
    static func loadBomb(_ name: String, expecting expected: String, mutate: (URL) throws -> Void) throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try savedModel(in: temp)
        try mutate(model.appendingPathComponent("artifacts/sbert_model"))
        expectRefused(try measure(name, ["load", model.path], in: temp), expected)
    }

    static func editConfig(_ source: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = source.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: url)
    }

    @Test func configClaimingHiddenSizeOfOneBillion() throws {
        try Self.loadBomb("hidden-size", expecting: "config.json: key hidden_size: expected an integer in 1...16384, found 1000000000") {
            try Self.editConfig($0) { $0["hidden_size"] = 1_000_000_000 }
        }
    }

    @Test func configClaimingAMillionLayers() throws {
        try Self.loadBomb("layers", expecting: "config.json: key num_hidden_layers: expected an integer in 1...512, found 1000000") {
            try Self.editConfig($0) { $0["num_hidden_layers"] = 1_000_000 }
        }
    }

    /// Every size at its cap (hidden 16,384, 512 layers, 10 M tokens, 1 M positions): the weights
    /// are checked against the claim before anything is sized from it.
    @Test func configAtEveryCapWithTinyWeights() throws {
        try Self.loadBomb("every-cap", expecting: "model.safetensors: tensor embeddings.word_embeddings.weight: shape [30522, 32], expected [10000000, 16384]") {
            try Self.editConfig($0) {
                $0["hidden_size"] = 16_384
                $0["num_hidden_layers"] = 512
                $0["num_attention_heads"] = 1024
                $0["intermediate_size"] = 262_144
                $0["vocab_size"] = 10_000_000
                $0["max_position_embeddings"] = 1_048_576
            }
        }
    }

    /// 3.9 MB of zeros (1.9 M values, under the 4 MiB file cap): counted before JSONSerialization
    /// spends its few hundred bytes per value.
    @Test func configHoldingMillionsOfValues() throws {
        try Self.loadBomb("config-values", expecting: "config.json: malformed (refused before parsing: more than 200000 JSON values)") { source in
            let text = #"{"model_type": "bert", "padding": ["# + String(repeating: "0,", count: 1_950_000) + "0]}"
            try Data(text.utf8).write(to: source.appendingPathComponent("config.json"))
        }
    }

    /// A vocab.txt of 10^9 bytes (sparse: it claims some 10^8 lines by its size) is refused by its
    /// size before a byte is read.
    @Test func vocabularyFileClaimingAHundredMillionLines() throws {
        try Self.loadBomb("vocab-size", expecting: "vocab.txt: cannot read (larger than 67108864 bytes)") { source in
            try FileManager.default.removeItem(at: source.appendingPathComponent("tokenizer.json"))
            let url = source.appendingPathComponent("vocab.txt")
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: 1_000_000_000)
            try handle.close()
        }
    }

    /// 30 M lines in 60 MB (under the 64 MiB file cap): counted in the bytes against config.json's
    /// vocab_size (30,522) before a string is made.
    @Test func vocabularyFileWithThirtyMillionLines() throws {
        try Self.loadBomb("vocab-lines", expecting: "vocab.txt: invalid vocabulary (more than 30522 lines (tokens))") { source in
            try FileManager.default.removeItem(at: source.appendingPathComponent("tokenizer.json"))
            let handle = try FileHandle(forWritingTo: source.appendingPathComponent("vocab.txt"))
            try handle.seekToEnd()
            let chunk = Data(String(repeating: "a\n", count: 500_000).utf8)
            for _ in 0..<60 { try handle.write(contentsOf: chunk) }
            try handle.close()
        }
    }

    /// A tokenizer.json whose model.vocab has 6 M entries (60 MB): counted before it is parsed.
    @Test func tokenizerJSONWithMillionsOfTokens() throws {
        try Self.loadBomb("tokenizer-vocab", expecting: "tokenizer.json: invalid vocabulary (model.vocab has more than 30522 tokens)") { source in
            let url = source.appendingPathComponent("tokenizer.json")
            let text = try String(contentsOf: url, encoding: .utf8)
            let marker = #""vocab":{"#
            guard let range = text.range(of: marker) else { throw CLIError("no \(marker) in the fixture's tokenizer.json") }
            let bomb = text[..<range.upperBound] + String(repeating: #""x": 7, "#, count: 6_000_000) + text[range.upperBound...]
            try Data(bomb.utf8).write(to: url)
        }
    }

    @Test func tokenizerJSONNestedAMillionDeep() throws {
        try Self.loadBomb("tokenizer-nested", expecting: "tokenizer.json: refused before parsing: nested deeper than 64 levels") { source in
            try Self.nested(1_000_000, key: "model").write(to: source.appendingPathComponent("tokenizer.json"))
        }
    }

    @Test func configNestedAMillionDeep() throws {
        try Self.loadBomb("config-nested", expecting: "config.json: malformed (refused before parsing: nested deeper than 64 levels)") { source in
            try Self.nested(1_000_000, key: "hidden_size").write(to: source.appendingPathComponent("config.json"))
        }
    }

    /// `{"key": [[[…]]]}`, `depth` arrays deep.
    static func nested(_ depth: Int, key: String? = nil) -> Data {
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        return Data((key.map { "{\"\($0)\": " + arrays + "}" } ?? arrays).utf8)
    }

    // MARK: safetensors

    /// Rewrites the tiny BERT's model.safetensors: `edit` gets the header text and returns the new
    /// one (padded to 8 bytes); `length` overrides the 8-byte header length field.
    static func rewriteWeights(_ source: URL, length: UInt64? = nil, _ edit: (String) throws -> String = { $0 }) throws {
        let url = source.appendingPathComponent("model.safetensors")
        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        let header = String(decoding: data[8..<(8 + Int(headerLength))], as: UTF8.self)
        var text = try edit(header.trimmingCharacters(in: .whitespaces))
        text += String(repeating: " ", count: (8 - text.utf8.count % 8) % 8)
        let newLength = length ?? UInt64(text.utf8.count)
        var out = Data((0..<8).map { UInt8(truncatingIfNeeded: newLength >> (8 * UInt64($0))) })
        out.append(Data(text.utf8))
        out.append(data[(8 + Int(headerLength))...])
        try out.write(to: url)
    }

    /// Replaces `"shape":[…]` and `"data_offsets":[…]` of one tensor in the header text.
    static func editTensor(_ header: String, _ tensor: String, shape: String? = nil, offsets: String? = nil) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(header.utf8)) as! [String: Any]
        var entry = object[tensor] as! [String: Any]
        if let shape { entry["shape"] = try JSONSerialization.jsonObject(with: Data(shape.utf8)) }
        if let offsets { entry["data_offsets"] = try JSONSerialization.jsonObject(with: Data(offsets.utf8)) }
        object[tensor] = entry
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test func safetensorsHeaderLengthOfTwoToTheForty() throws {
        try Self.loadBomb("st-header-length", expecting: "model.safetensors: header length 1099511627776 exceeds the 16777216-byte cap") {
            try Self.rewriteWeights($0, length: 1 << 40)
        }
    }

    @Test func safetensorsShapeDisagreeingWithItsBytes() throws {
        try Self.loadBomb(
            "st-shape", expecting: "model.safetensors: tensor embeddings.word_embeddings.weight: shape [30522, 33] of F32 needs 4028904 bytes but data_offsets span 3906816"
        ) { source in
            try Self.rewriteWeights(source) { try Self.editTensor($0, "embeddings.word_embeddings.weight", shape: "[30522, 33]") }
        }
    }

    @Test func safetensorsShapeOfAQuintillionElements() throws {
        try Self.loadBomb(
            "st-shape-huge",
            expecting: "tensor embeddings.word_embeddings.weight: shape [1000000000, 1000000000] of F32 needs 4000000000000000000 bytes but data_offsets span 3906816"
        ) { source in
            try Self.rewriteWeights(source) { try Self.editTensor($0, "embeddings.word_embeddings.weight", shape: "[1000000000, 1000000000]") }
        }
    }

    @Test func safetensorsOffsetsClaimingATerabyte() throws {
        try Self.loadBomb(
            "st-offsets", expecting: "tensor embeddings.word_embeddings.weight: data_offsets [0, 1099511627776] run past the end of the data"
        ) { source in
            try Self.rewriteWeights(source) {
                try Self.editTensor($0, "embeddings.word_embeddings.weight", shape: "[274877906944]", offsets: "[0, 1099511627776]")
            }
        }
    }

    /// 25,000 empty tensors (1.4 MB of header): more tensors than any BERT the engine loads.
    @Test func safetensorsHeaderWithTwentyFiveThousandTensors() throws {
        try Self.loadBomb("st-tensors", expecting: "model.safetensors: header refused before parsing: more than 20000 tensors") { source in
            try Self.rewriteWeights(source) { header in
                let extra = (0..<25_000).map { #""extra.\#($0)": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}, "# }.joined()
                return "{" + extra + header.dropFirst()
            }
        }
    }

    /// 500 tensors with 1,000-dimension shapes: 500,000 values in the header.
    @Test func safetensorsHeaderWithHalfAMillionValues() throws {
        try Self.loadBomb("st-values", expecting: "model.safetensors: header refused before parsing: more than 250000 JSON values") { source in
            try Self.rewriteWeights(source) { header in
                let shape = "[" + Array(repeating: "1", count: 999).joined(separator: ",") + ",0]"
                let extra = (0..<500).map { #""extra.\#($0)": {"dtype": "F32", "shape": \#(shape), "data_offsets": [0, 0]}, "# }.joined()
                return "{" + extra + header.dropFirst()
            }
        }
    }

    /// An MLmodel of a million nested flow sequences (the YAML reader's nesting cap, 200).
    @Test func mlmodelNestedAMillionDeep() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        var text = Data("flavors: ".utf8)
        text.append(Self.nested(1_000_000))
        try text.write(to: model.appendingPathComponent("MLmodel"))
        Self.expectRefused(try Self.measure("mlmodel-nested", ["load", model.path], in: temp), "collections nest deeper than the limit of 200 levels")
    }

    /// A 70-byte sparse input example whose dense form (the serving example, `predict`'s input)
    /// would be 1.2·10¹⁴ empty rows, 960 TB: the CI fuzz smoke's find. `load` and `validate` refuse
    /// its shape before building anything.
    @Test(arguments: ["load", "validate"])
    func sparseInputExampleOfAHundredTrillionRows(command: String) throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        let mlmodel = model.appendingPathComponent("MLmodel")
        let text = try String(contentsOf: mlmodel, encoding: .utf8)
        let sparse = text.replacingOccurrences(of: "  pandas_orient: split\n", with: "")
            .replacingOccurrences(of: "  type: dataframe\n", with: "  type: sparse_matrix_csc\n")
        try #require(sparse != text && sparse.contains("  type: sparse_matrix_csc\n"), "the saved MLmodel has no dataframe example to replace: \(text)")
        try sparse.write(to: mlmodel, atomically: true, encoding: .utf8)
        try Data(#"{"data": [], "indices": [], "indptr": [0], "shape": [120000000000001, 0]}"#.utf8)
            .write(to: model.appendingPathComponent("input_example.json"))
        let m = try Self.measure("sparse-\(command)", [command, model.path], in: temp)
        let expected = "error: input_example.json: sparse matrix shape [120000000000001, 0] is too large"
        if command == "load" {
            Self.expectRefused(m, expected)
        } else {  // validate reports its findings on stdout and exits 1 for an invalid model
            #expect(m.status == 1 && m.peakMB < Self.boundMB, "exit \(m.status), peak \(m.peakMB) MB")
            #expect(m.stdout.contains(expected) && m.stdout.contains("model: INVALID"), "\(m.stdout.prefix(2000))")
        }
    }

    // MARK: Requests (`mlpack predict`, the server's limits and the core JSON reader's)

    /// A similarity model saved from the tiny BERT.
    static func savedModel(in temp: URL) throws -> URL {
        let model = temp.appendingPathComponent("model")
        let save = try CLIRunner.run(["save", "--flavor", "similarity", "--source", TestFixtures.tinyBERT.path, "-o", model.path])
        guard save.status == 0 else { throw CLIError("save failed: \(save.stderr)") }
        return model
    }

    /// `{"inputs": {"sentence_1": ["", …], "sentence_2": ["", …]}}` with `rows` rows.
    static func emptyPairs(_ rows: Int) -> Data {
        let column = "[" + String(repeating: "\"\",", count: rows - 1) + "\"\"]"
        return Data(#"{"inputs": {"sentence_1": \#(column), "sentence_2": \#(column)}}"#.utf8)
    }

    /// 10^7 rows of empty strings: 60 MB, over the 16 MiB body cap, refused by its size unread.
    @Test func tenMillionEmptyRowsInAFile() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        let body = temp.appendingPathComponent("rows.json")
        let bytes = Self.emptyPairs(10_000_000)
        try bytes.write(to: body)
        let m = try Self.measure("rows-file", ["predict", "-m", model.path, "-i", body.path], in: temp)
        Self.expectRefused(m, "rows.json: \(bytes.count) bytes, more than the 16777216-byte limit (--max-body-bytes); nothing was read")
    }

    /// The same 60 MB on stdin: read up to the cap and one byte, then refused.
    @Test func tenMillionEmptyRowsOnStdin() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        let body = temp.appendingPathComponent("rows.json")
        try Self.emptyPairs(10_000_000).write(to: body)
        let m = try Self.measure("rows-stdin", ["predict", "-m", model.path], stdin: body, in: temp)
        Self.expectRefused(m, "<stdin>: more than the 16777216-byte limit (--max-body-bytes); read no further")
    }

    /// 5.6 M empty strings in 16 MiB: the core JSON reader stops at 2,000,000 values.
    @Test func millionsOfValuesUnderTheBodyCap() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        let body = temp.appendingPathComponent("values.json")
        try Data(("{\"inputs\": [" + String(repeating: "\"\",", count: 5_590_000) + "\"\"]}").utf8).write(to: body)
        let m = try Self.measure("values", ["predict", "-m", model.path, "-i", body.path], in: temp)
        Self.expectRefused(m, "REQUEST_LIMIT_EXCEEDED: The request's JSON has more than 2000000 values (the limit per JSON document")
    }

    /// 15,000 rows (small enough to parse): refused by --max-rows before anything is scored.
    @Test func moreRowsThanMaxRows() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        let body = temp.appendingPathComponent("rows.json")
        try Self.emptyPairs(15_000).write(to: body)
        let m = try Self.measure("max-rows", ["predict", "-m", model.path, "-i", body.path], in: temp)
        Self.expectRefused(m, "REQUEST_LIMIT_EXCEEDED: The request has 15000 rows, more than the limit of 10000 rows per request (--max-rows).")
    }

    /// JSON Lines: four lines of 16 MB, each 5.6 M values. Each line gets its error line; a batch
    /// never holds more than --max-body-bytes of lines.
    @Test func jsonLinesOfSixteenMegabytesEach() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        let body = temp.appendingPathComponent("lines.jsonl")
        let line = Data(("{\"sentence_1\": [" + String(repeating: "\"\",", count: 5_590_000) + "\"\"], \"sentence_2\": \"x\"}\n").utf8)
        var lines = Data()
        for _ in 0..<4 { lines.append(line) }
        try lines.write(to: body)
        let m = try Self.measure("jsonl-lines", ["predict", "-m", model.path, "-i", body.path, "--content-type", "jsonl"], in: temp)
        Self.expectRefused(m, "error: 4 of 4 lines failed")
        let answers = m.stdout.split(separator: "\n")
        #expect(answers.count == 4)
        #expect(answers.allSatisfy { $0.contains(#""error_code": "REQUEST_LIMIT_EXCEEDED""#) && $0.contains("more than 2000000 values") })
    }

    @Test func requestNestedAMillionDeep() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        let body = temp.appendingPathComponent("nested.json")
        try Self.nested(1_000_000, key: "inputs").write(to: body)
        let m = try Self.measure("request-nested", ["predict", "-m", model.path, "-i", body.path], in: temp)
        Self.expectRefused(m, "BAD_REQUEST: Invalid input. JSON nested deeper than 64 levels")
    }

    /// infer-signature reads its sample with the core reader's default depth cap (512).
    @Test func sampleNestedAMillionDeep() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let body = temp.appendingPathComponent("nested.json")
        try Self.nested(1_000_000).write(to: body)
        let m = try Self.measure("sample-nested", ["infer-signature", "-i", body.path], in: temp)
        Self.expectRefused(m, "nested.json: line 1, column 513 (at $[0][0]")
        #expect(m.stderr.contains("JSON nesting deeper than 512 levels"))
    }

    /// A CSV header of 10^6 names (6.9 MB): refused while the header is read, at 16,384 columns.
    @Test func csvWithAMillionColumns() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        let body = temp.appendingPathComponent("wide.csv")
        let header = (0..<1_000_000).map { "c\($0)" }.joined(separator: ",")
        try Data((header + "\n" + String(repeating: "x,", count: 999_999) + "x\n").utf8).write(to: body)
        let m = try Self.measure("csv-columns", ["predict", "-m", model.path, "-i", body.path], in: temp)
        Self.expectRefused(m, "REQUEST_LIMIT_EXCEEDED: The request has more than 16384 columns (CSV line 1); at most 16384 columns per request are read.")
    }

    /// The JSON form of the same: dataframe_split with 10^6 column names.
    @Test func dataframeSplitWithAMillionColumns() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.savedModel(in: temp)
        let body = temp.appendingPathComponent("wide.json")
        let names = (0..<1_000_000).map { "\"c\($0)\"" }.joined(separator: ",")
        try Data(#"{"dataframe_split": {"columns": [\#(names)], "data": []}}"#.utf8).write(to: body)
        let m = try Self.measure("split-columns", ["predict", "-m", model.path, "-i", body.path], in: temp)
        Self.expectRefused(m, "REQUEST_LIMIT_EXCEEDED: The request has 1000000 columns (dataframe_split.columns); at most 16384 columns per request are read.")
    }
}
