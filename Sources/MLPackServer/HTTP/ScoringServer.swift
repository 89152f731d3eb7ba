import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import MLPackCore
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle

/// `mlpack serve`: one model behind MLflow's scoring protocol.
///
/// ```swift
/// let service = ModelService(name: "similarity", model: loaded, configuration: configuration)
/// let server = ScoringServer(service: service, configuration: configuration, logger: logger)
/// try await server.run()   // until SIGTERM/SIGINT; drains (/ping 503), then answers what is in flight
/// ```
///
/// Routes (Hummingbird's router): `GET /ping`, `/health`, `/version`; `POST /invocations`;
/// mlpack's `POST /embed`, `POST /similarity` and `GET /metrics`. Middleware, outermost first:
/// the response edge (request id, `Connection: close` while draining, errors rendered as MLflow's
/// JSON, metrics, access log), FastAPI's `{"detail": …}` 404/405 bodies, then the bearer key on every
/// route but the three probes (and `/metrics` when ``ScoringServerConfiguration/publicMetrics``).
///
/// Kubernetes: `/ping` is the readiness probe (503 from the start of the drain), `/health` the
/// liveness probe (200 while the process serves, draining included).
public struct ScoringServer: Sendable {
    public let service: ModelService
    public let configuration: ScoringServerConfiguration
    public let logger: Logger
    let metrics: ServerMetrics
    /// Set once shutdown begins: `/ping` answers 503 and every answer carries `Connection: close`
    /// from then on.
    public let drain = DrainState()

    /// - Parameter registry: the Prometheus registry `/metrics` renders; pass the one the
    ///   service's batchers report to (see ``metricsFactory(for:)``).
    /// - Parameter logWriter: the writer `logger` writes through, whose dropped lines `/metrics`
    ///   reports as `mlpack_log_lines_dropped_total` (0 without one).
    public init(
        service: ModelService, configuration: ScoringServerConfiguration, logger: Logger,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), logWriter: BoundedLogWriter? = nil
    ) {
        self.service = service
        self.configuration = configuration
        self.logger = logger
        var logDrops: (@Sendable () -> Int)?
        if let logWriter { logDrops = { logWriter.droppedLines } }
        metrics = ServerMetrics(registry: registry, logDrops: logDrops)
    }

    /// The swift-metrics factory the server uses over `registry` (its histogram buckets), for
    /// the metrics of a ``ModelService``'s batchers.
    public static func metricsFactory(for registry: PrometheusCollectorRegistry) -> any MetricsFactory {
        ServerMetrics.factory(for: registry)
    }

    /// The router with every route and middleware (for embedding in another application, and
    /// for Hummingbird's in-process test client).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ResponseEdgeMiddleware(metrics: metrics, drain: drain))
        router.add(middleware: FastAPIStatusMiddleware(routes: Self.routes))
        let handlers = ScoringHandlers(service: service, configuration: configuration, metrics: metrics)
        let drain = self.drain
        // Readiness: out of rotation while draining; MLflow's own "\n" otherwise.
        router.get("/ping") { _, _ in
            drain.isDraining
                ? Self.response(503, contentType: "application/json", body: Array(#"{"status": "draining"}"#.utf8))
                : Self.response(200, contentType: "application/json", body: Array("\n".utf8))
        }
        // Liveness: the process answers, draining or not (a 503 here would get it restarted).
        router.get("/health") { _, _ in Self.response(200, contentType: "application/json", body: Array("\n".utf8)) }
        let version = configuration.reportedVersion
        router.get("/version") { _, _ in Self.response(200, contentType: "application/json", body: Array(version.utf8)) }
        let protected = router.group()
        if let key = configuration.apiKey { protected.add(middleware: BearerAuthMiddleware(key: key)) }
        (configuration.publicMetrics ? router.group() : protected).get("/metrics") { _, _ in
            Self.response(200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: handlers.metrics.render())
        }
        protected.post("/invocations") { request, context in try await handlers.invocations(request, context: context) }
        protected.post("/embed") { request, context in try await handlers.embed(request, context: context) }
        protected.post("/similarity") { request, context in try await handlers.similarity(request, context: context) }
        return router
    }

    /// The methods each route answers (for FastAPI's 405 and its `Allow` header).
    static let routes: [String: String] = [
        "/ping": "GET", "/health": "GET", "/version": "GET", "/metrics": "GET",
        "/invocations": "POST", "/embed": "POST", "/similarity": "POST",
    ]

    /// The Hummingbird application: bind address, connection cap with eviction, idle, header and
    /// write timeouts (``ConnectionGuardHandler``), connections closed after an answer that says
    /// `Connection: close`, this server's router. `onServerRunning` receives the bound port
    /// (useful with port 0).
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let idle = TimeAmount(configuration.idleTimeout)
        let registry = ConnectionRegistry()
        let metrics = self.metrics
        let (headerTimeout, writeTimeout) = (configuration.headerTimeout, configuration.writeTimeout)
        return Application(
            router: makeRouter(),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [
                    CloseAfterResponseHandler(),
                    ConnectionGuardHandler(
                        headerTimeout: headerTimeout, writeTimeout: writeTimeout, registry: registry, metrics: metrics),
                ],
                idleTimeout: idle)),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "mlpack/\(Self.serverVersion)",
                availableConnectionsDelegate: GuardedConnectionLimit(
                    maxConnections: configuration.maxConnections, registry: registry, metrics: metrics)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT; then drains for ``ScoringServerConfiguration/drainPeriod``
    /// (still serving, `/ping` answering 503 so load balancers and readiness probes stop sending,
    /// every answer with `Connection: close` so clients stop reusing their connections; `/health`
    /// stays 200), then stops accepting connections, answers the requests in flight, stops the
    /// model's worker threads and returns (the process then exits 0).
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        // Graceful shutdown runs the services in reverse: the drain first, then the HTTP server.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: makeApplication(onServerRunning: onServerRunning)),
                .init(service: DrainService(state: drain, period: configuration.drainPeriod, logger: logger),
                      successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            await service.shutdown()
            throw error
        }
        await service.shutdown()
    }

    /// mlpack's version as sent in the `Server` header.
    public static var serverVersion: String { MLPack.version }

    static func response(_ status: Int, contentType: String, body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentLength] = String(body.count)
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The handlers of the scoring routes: HTTP concerns only (content type, body, limits, deadline);
/// the request itself goes through ``ModelService`` and core's ``ScoringPipeline``.
struct ScoringHandlers: Sendable {
    let service: ModelService
    let configuration: ScoringServerConfiguration
    let metrics: ServerMetrics

    func invocations(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let deadline = ContinuousClock.now + configuration.requestTimeout
        let contentType: RequestContentType
        switch ContentTypeCheck.check(request.headers[.contentType]) {
        case .unsupported(let text):
            throw ScoringError(stage: .contentType, text)
        case .accepted(let type, _):
            contentType = type
        }
        let body = try await readBody(request, until: deadline)
        let parsed = try service.pipeline.parse(body, contentType: contentType)
        try checkRows(parsed.rowCount)
        let service = self.service
        let logger = context.logger
        let answer = try await runModel(until: deadline, logger: logger) { deadline in
            try await service.invoke(parsed, logger: logger, deadline: deadline)
        }
        return ScoringServer.response(200, contentType: "application/json", body: answer.bodyBytes)
    }

    func embed(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard service.embeds else { throw ScoringError.endpointNotFound(ScoringMessages.noEmbeddings(model: service.name)) }
        return try await shortcut(request, route: "/embed", logger: context.logger) { body throws(ScoringError) in
            let texts = try ShortcutRequest.embedTexts(body)
            return (texts.count, { [service] deadline in
                try ShortcutRequest.embeddingsJSON(try await service.embed(texts, deadline: deadline))
            })
        }
    }

    func similarity(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard service.scoresPairs else { throw ScoringError.endpointNotFound(ScoringMessages.noPairScores(model: service.name)) }
        return try await shortcut(request, route: "/similarity", logger: context.logger) { body throws(ScoringError) in
            let pairs = try ShortcutRequest.similarityPairs(body)
            return (pairs.count, { [service] deadline in
                try ShortcutRequest.scoresJSON(try await service.scorePairs(pairs, deadline: deadline))
            })
        }
    }

    /// Shared steps of the shortcuts: JSON content type, body, the one JSON reader (same limits
    /// as `/invocations`), row cap, then the batched call under the deadline.
    private func shortcut(
        _ request: Request, route: String, logger: Logger,
        parse: (JSONValue) throws(ScoringError) -> (rows: Int, run: @Sendable (ContinuousClock.Instant) async throws -> [UInt8])
    ) async throws -> Response {
        let deadline = ContinuousClock.now + configuration.requestTimeout
        guard case .accepted(.json, _) = ContentTypeCheck.check(request.headers[.contentType]) else {
            throw ScoringError(stage: .contentType, "\(route) accepts only 'application/json' bodies.")
        }
        let body = try await readBody(request, until: deadline)
        let value: JSONValue
        do {
            value = try JSONParser(options: service.pipeline.parser.jsonOptions).parse(body)
        } catch {
            if case .tooManyValues = error.reason { throw ScoringError.tooManyJSONValues(error) }
            if error.isDepthLimit { throw ScoringError.badRequest(ScoringMessages.invalidJSON(error)) }
            throw ScoringError.badRequest("\(route): the body is not valid JSON: \(error.pythonMessage).")
        }
        let (rows, run) = try parse(value)
        try checkRows(rows)
        let json = try await runModel(until: deadline, logger: logger, run)
        return ScoringServer.response(200, contentType: "application/json", body: json)
    }

    private func checkRows(_ rows: Int) throws(ScoringError) {
        if rows > configuration.maxRowsPerRequest {
            throw .tooManyRows(rows, limit: configuration.maxRowsPerRequest)
        }
    }

    private func readBody(_ request: Request, until deadline: ContinuousClock.Instant) async throws -> [UInt8] {
        let limit = configuration.maxBodyBytes
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            throw ScoringError.bodyTooLarge(limit: limit)
        }
        do {
            let buffer = try await Deadline.run(until: deadline) { try await request.body.collect(upTo: limit) }
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw ScoringError.bodyTooLarge(limit: limit)
        } catch is Deadline.Expired {
            throw ScoringError.bodyTimeout(seconds: configuration.requestTimeout.seconds)
        }
    }

    /// Runs the model call, which answers ``Deadline/Expired`` when `deadline` passes first (the
    /// batcher's timer: no extra task per request). A ``ScoringError`` (bad input, full queue) goes
    /// to the client as it is; any other error is logged and answered with MLflow's generic message.
    private func runModel<T: Sendable>(
        until deadline: ContinuousClock.Instant, logger: Logger,
        _ operation: @Sendable (ContinuousClock.Instant) async throws -> T
    ) async throws(ScoringError) -> T {
        do {
            return try await operation(deadline)
        } catch let error as ScoringError {
            throw error
        } catch is Deadline.Expired {
            logger.warning("request timed out after \(configuration.requestTimeout)")
            throw .deadlineExceeded(seconds: configuration.requestTimeout.seconds)
        } catch is CancellationError {
            throw .cancelled
        } catch {
            logger.error("model error: \(error)")
            throw .badRequest(ScoringMessages.unexpectedModelError)
        }
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Whether the server is draining (shutdown has begun).
public final class DrainState: @unchecked Sendable {
    private let lock = NSLock()
    private var draining = false

    public init() {}

    public var isDraining: Bool {
        lock.lock()
        defer { lock.unlock() }
        return draining
    }

    func begin() {
        lock.lock()
        draining = true
        lock.unlock()
    }
}

/// Waits for graceful shutdown, then marks the server draining and keeps it serving for `period`
/// before the HTTP server is shut down (the service group shuts services down in reverse order).
struct DrainService: Service {
    let state: DrainState
    let period: Duration
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        state.begin()
        guard period > .zero else { return }
        logger.notice("draining: /ping answers 503 for \(period) before the server stops accepting connections")
        try? await Task.sleep(for: period)
    }
}
