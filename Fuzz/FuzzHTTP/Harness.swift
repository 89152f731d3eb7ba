import Foundation
import FuzzSupport
import HTTPTypes
import Hummingbird
import Logging
import MLPackCore
import MLPackServer
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded

/// A tiny fixed model with the similarity flavor's signature (two string columns, a double out):
/// `/invocations`, `/embed` and `/similarity` all reach it, after core's parsing and enforcement.
struct PairModel: SentenceEmbeddingModel, SentencePairScoringModel {
    var flavorName: String { "similarity" }
    let signature: ModelSignature? = try! ModelSignature(
        inputs: #"[{"type": "string", "name": "sentence_1", "required": true}, {"type": "string", "name": "sentence_2", "required": true}]"#,
        outputs: #"[{"type": "double", "required": true}]"#, params: nil)

    func predict(_ input: ModelInput, params: JSONObject) throws -> PredictionOutput {
        .value(.array(Array(repeating: .array([.double(0.5)]), count: input.rowCount)))
    }

    func embed(_ texts: [String]) throws -> [[Float]] { texts.map { [Float($0.utf8.count), 1] } }

    func scorePairs(_ first: [String], _ second: [String]) throws -> [Double] {
        zip(first, second).map { 1 / (1 + Double(abs($0.utf8.count - $1.utf8.count))) }
    }
}

/// The server's whole request handling (routes, middleware: errors as MLflow's JSON, metrics,
/// the 404/405 bodies; parse → enforce → batch → predict), in process: no socket, no HTTP codec.
/// Small limits so that the fuzzer reaches them.
let configuration = ScoringServerConfiguration(maxBodyBytes: 64 * 1024, maxJSONDepth: 16, maxRowsPerRequest: 64)
let logger: Logger = {
    var logger = Logger(label: "mlpack.fuzz")
    logger.logLevel = .critical
    return logger
}()
let service = ModelService(name: "similarity", model: PairModel(), configuration: configuration)
let responder = ScoringServer(service: service, configuration: configuration, logger: logger).makeRouter().buildResponder()

/// The channel every request's context names (the routes never touch it). One for the process: a
/// testing channel per request, never closed, kept its event loop alive and grew RSS by 5 KB per
/// execution (libFuzzer's 512 MB limit after 65,000), with the server's own state flat.
let channel = NIOAsyncTestingChannel()

/// Collects an answer's body.
struct Collector: ResponseBodyWriter {
    let bytes: NIOLockedValueBox<[UInt8]>
    mutating func write(_ buffer: ByteBuffer) async throws { bytes.withLockedValue { $0 += buffer.readableBytesView } }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// The answer to one request: status and body (a thrown error is an answer too: Hummingbird's
/// server renders it).
func answer(_ request: Request) -> (Int, String, [UInt8])? {
    let result = NIOLockedValueBox<(Int, String, [UInt8])?>(nil)
    let done = DispatchSemaphore(value: 0)
    let box = UncheckedRequest(request: request)
    Task {
        defer { done.signal() }
        // Hummingbird's server gives every request's logger its id (the context's `id`).
        var requestLogger = logger
        requestLogger[metadataKey: "hb.request.id"] = "fuzz"
        let context = BasicRequestContext(source: .init(channel: channel, logger: requestLogger))
        guard let response = try? await responder.respond(to: box.request, context: context) else { return }
        let bytes = NIOLockedValueBox<[UInt8]>([])
        let collector = Collector(bytes: bytes)
        try? await response.body.write(collector)
        let type = response.headers[.contentType] ?? ""
        result.withLockedValue { $0 = (response.status.code, type, bytes.withLockedValue { $0 }) }
    }
    done.wait()
    return result.withLockedValue { $0 }
}

struct UncheckedRequest: @unchecked Sendable { let request: Request }

/// The input as an HTTP request as the codec would hand it over: the first line `METHOD PATH`,
/// then `Name: value` header lines up to an empty line, then the body. Invalid methods, paths and
/// header names are what the codec refuses before the server sees them: skipped. Every answer has a
/// valid status, and every error answer (4xx, 5xx) that says it is JSON is (MLflow's 415 is text).
func fuzzOne(_ bytes: [UInt8]) {
    var lines: [ArraySlice<UInt8>] = []
    var rest = bytes[...]
    while let newline = rest.firstIndex(of: 0x0A) {
        let line = rest[..<newline]
        rest = rest[(newline + 1)...]
        if line.isEmpty || line == [0x0D] { break }
        lines.append(line.last == 0x0D ? line.dropLast() : line)
    }
    if lines.isEmpty { return }
    let requestLine = String(decoding: lines[0], as: UTF8.self).split(separator: " ", maxSplits: 1)
    guard requestLine.count == 2, let method = HTTPRequest.Method(String(requestLine[0])) else { return }
    let path = String(requestLine[1])
    guard path.hasPrefix("/"), !path.contains(where: { $0.isWhitespace }) else { return }
    var fields = HTTPFields()
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: 0x3A),
              let name = HTTPField.Name(String(decoding: line[..<colon], as: UTF8.self)) else { continue }
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        fields.append(HTTPField(name: name, value: value))
    }
    let head = HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1", path: path, headerFields: fields)
    let request = Request(head: head, body: .init(buffer: ByteBuffer(bytes: rest)))
    guard let (status, contentType, body) = answer(request) else { return }
    fuzzCheck((100..<600).contains(status), "status \(status)")
    if status >= 400, method != .head, !body.isEmpty, contentType.hasPrefix("application/json") {
        fuzzCheck((try? JSONParser.parse(body, source: "answer")) != nil,
                  "\(status) answer is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))")
    }
}
