import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Answers every request of `mlpack serve`: MLflow's routes (`/ping`, `/health`, `/version`,
/// `/invocations`), mlpack's additions (`/embed`, `/similarity`, `/metrics`), and FastAPI's
/// `{"detail": …}` bodies for unknown paths (404) and wrong methods (405).
public struct ScoringResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    let model: any ScoringModel
    let configuration: ScoringServerConfiguration
    let metrics: ServerMetrics
    let authenticator: BearerAuthenticator?
    let embedBatcher: DynamicBatcher<String, [Float]>?
    let similarityBatcher: DynamicBatcher<SentencePair, Double>?
    let scanner: JSONScanner

    init(model: any ScoringModel, configuration: ScoringServerConfiguration, metrics: ServerMetrics) {
        self.model = model
        self.configuration = configuration
        self.metrics = metrics
        authenticator = configuration.apiKey.map(BearerAuthenticator.init(key:))
        scanner = JSONScanner(maxDepth: configuration.maxJSONDepth)
        if let embedding = model as? any EmbeddingScoring {
            embedBatcher = DynamicBatcher(
                name: "embed", configuration: configuration.batcherConfiguration(),
                metricsFactory: metrics.factory
            ) { texts in try await embedding.embed(texts) }
        } else {
            embedBatcher = nil
        }
        if let similarity = model as? any SimilarityScoring {
            similarityBatcher = DynamicBatcher(
                name: "similarity", configuration: configuration.batcherConfiguration(),
                metricsFactory: metrics.factory
            ) { pairs in try await similarity.similarity(pairs) }
        } else {
            similarityBatcher = nil
        }
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = Self.requestID(request, context: context)
        var logger = context.logger
        logger[metadataKey: "request_id"] = .string(requestID)
        let path = request.uri.path
        let route = ServerMetrics.routeLabel(path)
        metrics.requestStarted()

        var response = await answer(request, path: path, requestID: requestID, logger: logger)
        if request.method == .head { response = response.createHeadResponse() }
        response.headers[Self.requestIDHeader] = requestID

        let duration = ContinuousClock.now - started
        let status = response.status.code
        metrics.requestFinished(route: route, status: status, duration: duration)
        logger.info(
            "\(request.method) \(route == "other" ? "(other)" : path) \(status)",
            metadata: ["duration_ms": .string(Self.milliseconds(duration))])
        return response
    }

    // MARK: Routing

    private func answer(_ request: Request, path: String, requestID: String, logger: Logger) async -> Response {
        let isGet = request.method == .get || request.method == .head
        switch path {
        case "/ping", "/health":
            guard isGet else { return Self.methodNotAllowed(allow: "GET") }
            return Self.response(200, contentType: "application/json", body: Array("\n".utf8))
        case "/version":
            guard isGet else { return Self.methodNotAllowed(allow: "GET") }
            return Self.response(200, contentType: "application/json", body: Array(configuration.reportedVersion.utf8))
        case "/metrics":
            guard isGet else { return Self.methodNotAllowed(allow: "GET") }
            if let refusal = authenticate(request) { return refusal }
            return Self.response(200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render())
        case "/invocations":
            guard request.method == .post else { return Self.methodNotAllowed(allow: "POST") }
            if let refusal = authenticate(request) { return refusal }
            return await invocations(request, requestID: requestID, logger: logger)
        case "/embed":
            guard request.method == .post else { return Self.methodNotAllowed(allow: "POST") }
            if let refusal = authenticate(request) { return refusal }
            return await embed(request, logger: logger)
        case "/similarity":
            guard request.method == .post else { return Self.methodNotAllowed(allow: "POST") }
            if let refusal = authenticate(request) { return refusal }
            return await similarity(request, logger: logger)
        default:
            return Self.response(404, contentType: "application/json", body: Array(#"{"detail":"Not Found"}"#.utf8))
        }
    }

    private func authenticate(_ request: Request) -> Response? {
        guard let authenticator else { return nil }
        if authenticator.accepts(authorizationHeader: request.headers[.authorization]) { return nil }
        var response = Self.error(.unauthenticated)
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }

    // MARK: /invocations

    private func invocations(_ request: Request, requestID: String, logger: Logger) async -> Response {
        let deadline = ContinuousClock.now + configuration.requestTimeout
        let contentType: InvocationContentType
        let parameters: [ContentTypeParameter]
        switch ContentTypeCheck.check(request.headers[.contentType]) {
        case .unsupported(let text):
            return Self.response(415, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
        case .accepted(let type, let params):
            contentType = type
            parameters = params
        }
        do {
            var body = try await readBody(request, until: deadline)
            let invocation: InvocationRequest
            switch contentType {
            case .json:
                // Python's json.loads(bytes) reads UTF-8 with a BOM as utf-8-sig.
                if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
                let envelope = try checkJSONEnvelope(body)
                try checkRows(envelope.rowCount)
                invocation = InvocationRequest(
                    body: body, contentType: .json, contentTypeParameters: parameters, envelope: envelope,
                    rowCount: envelope.rowCount, requestID: requestID, logger: logger)
            case .csv:
                if let failure = UTF8Check.firstError(in: body) {
                    throw ScoringError.badRequest(Self.csvParseFailure(failure.description))
                }
                let rows = CSVRowCounter.dataRows(in: body)
                try checkRows(rows)
                invocation = InvocationRequest(
                    body: body, contentType: .csv, contentTypeParameters: parameters, envelope: nil,
                    rowCount: rows, requestID: requestID, logger: logger)
            }
            let model = self.model
            let answer = try await runModel(until: deadline, logger: logger, unexpected: .unexpectedModelError) {
                try await model.invoke(invocation)
            }
            return Self.response(200, contentType: "application/json", body: answer.body)
        } catch let error as ScoringError {
            return Self.error(error)
        } catch {
            logger.error("unexpected server error: \(error)")
            return Self.error(.internalError("Internal error (request id \(requestID))."))
        }
    }

    /// MLflow's parse checks of a JSON body: UTF-8, JSON syntax, then the envelope.
    private func checkJSONEnvelope(_ body: [UInt8]) throws(ScoringError) -> InvocationEnvelope {
        let summary = try scanJSON(body, messagePrefix: "Invalid input. Ensure that input is a valid JSON formatted string.")
        return try InvocationEnvelope(summary: summary)
    }

    private func scanJSON(_ body: [UInt8], messagePrefix: String) throws(ScoringError) -> JSONScanner.Summary {
        if let failure = UTF8Check.firstError(in: body) {
            throw .badRequest("\(messagePrefix) Error: '\(failure.description)'")
        }
        do {
            return try scanner.scan(body)
        } catch {
            switch error.kind {
            case .syntax:
                throw .badRequest("\(messagePrefix) Error: 'JSONDecodeError('\(error.description)')'")
            case .tooDeep:
                throw .badRequest("Invalid input. \(error.description) (--max-json-depth).")
            }
        }
    }

    private func checkRows(_ rows: Int) throws(ScoringError) {
        if rows > configuration.maxRowsPerRequest {
            throw .tooManyRows(rows, limit: configuration.maxRowsPerRequest)
        }
    }

    static func csvParseFailure(_ detail: String) -> String {
        "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted"
            + " Pandas DataFrame produced using the `pandas.DataFrame.to_csv()` method. Error: '\(detail)'"
    }

    // MARK: /embed and /similarity

    private func embed(_ request: Request, logger: Logger) async -> Response {
        guard let batcher = embedBatcher else {
            return Self.error(.endpointNotFound(
                "This model (\(model.name)) does not compute embeddings; POST /invocations instead."))
        }
        return await shortcut(request, route: "/embed", logger: logger) { body throws(ScoringError) in
            let texts = try ShortcutRequest.embedTexts(body)
            return (texts.count, { try ShortcutRequest.embeddingsJSON(try await batcher.submit(texts)) })
        }
    }

    private func similarity(_ request: Request, logger: Logger) async -> Response {
        guard let batcher = similarityBatcher else {
            return Self.error(.endpointNotFound(
                "This model (\(model.name)) does not score sentence pairs; POST /invocations instead."))
        }
        return await shortcut(request, route: "/similarity", logger: logger) { body throws(ScoringError) in
            let pairs = try ShortcutRequest.similarityPairs(body)
            return (pairs.count, { try ShortcutRequest.scoresJSON(try await batcher.submit(pairs)) })
        }
    }

    /// Shared steps of the shortcuts: JSON content type, body, syntax and depth, row cap, then
    /// the batched call under the deadline.
    private func shortcut(
        _ request: Request, route: String, logger: Logger,
        parse: @escaping ([UInt8]) throws(ScoringError) -> (rows: Int, run: @Sendable () async throws -> [UInt8])
    ) async -> Response {
        let deadline = ContinuousClock.now + configuration.requestTimeout
        guard case .accepted(.json, _) = ContentTypeCheck.check(request.headers[.contentType]) else {
            let text = "\(route) accepts only 'application/json' bodies."
            return Self.response(415, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
        }
        do {
            let body = try await readBody(request, until: deadline)
            _ = try scanJSON(body, messagePrefix: "\(route): the body is not valid JSON.")
            let (rows, run) = try parse(body)
            try checkRows(rows)
            let json = try await runModel(
                until: deadline, logger: logger,
                unexpected: .internalError("The model failed on this request (see the server log).")
            ) { try await run() }
            return Self.response(200, contentType: "application/json", body: json)
        } catch let error as ScoringError {
            return Self.error(error)
        } catch {
            return Self.error(.internalError("Internal error."))
        }
    }

    // MARK: Body, deadline, model errors

    private func readBody(_ request: Request, until deadline: ContinuousClock.Instant) async throws -> [UInt8] {
        let limit = configuration.maxBodyBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw ScoringError.bodyTooLarge(limit: limit)
        }
        do {
            let buffer = try await Deadline.run(until: deadline) {
                try await request.body.collect(upTo: limit)
            }
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw ScoringError.bodyTooLarge(limit: limit)
        } catch is Deadline.Expired {
            throw ScoringError.bodyTimeout(seconds: configuration.requestTimeout.seconds)
        }
    }

    private func runModel<T: Sendable>(
        until deadline: ContinuousClock.Instant, logger: Logger, unexpected: ScoringError,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws(ScoringError) -> T {
        do {
            return try await Deadline.run(until: deadline, operation)
        } catch let error as ScoringError {
            throw error
        } catch is Deadline.Expired {
            logger.warning("request timed out after \(configuration.requestTimeout)")
            throw .deadlineExceeded(seconds: configuration.requestTimeout.seconds)
        } catch is CancellationError {
            throw ScoringError(errorCode: "CANCELLED", message: "The request was cancelled.", status: 499)
        } catch {
            logger.error("model error: \(error)")
            throw unexpected
        }
    }

    // MARK: Responses

    static func response(_ status: Int, contentType: String, body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentLength] = String(body.count)
        return Response(
            status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func error(_ error: ScoringError) -> Response {
        var response = response(error.status, contentType: "application/json", body: Array(error.jsonBody.utf8))
        if let retry = error.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
        return response
    }

    static func methodNotAllowed(allow: String) -> Response {
        var response = response(405, contentType: "application/json", body: Array(#"{"detail":"Method Not Allowed"}"#.utf8))
        response.headers[.allow] = allow
        return response
    }

    /// The client's `X-Request-Id` when it is short and plain, else Hummingbird's id.
    static func requestID(_ request: Request, context: Context) -> String {
        guard let given = request.headers[requestIDHeader], (1...128).contains(given.utf8.count),
            given.utf8.allSatisfy(isPlainIDByte)
        else { return context.id }
        return given
    }

    private static func isPlainIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    // A constant, valid field name: the unwrap cannot fail.
    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
