import ArgumentParser
import Foundation
import Logging
import MLPackCore
import MLPackServer
import Prometheus

/// `mlpack serve`: serve one model over MLflow's scoring protocol.
public struct ServeCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a model over MLflow's scoring protocol (/invocations) with dynamic batching.",
        discussion: """
            Routes: GET /ping, /health, /version; POST /invocations (application/json with \
            dataframe_split, dataframe_records, instances or inputs, plus params; text/csv), as \
            MLflow's `mlflow models serve`. mlpack adds POST /embed and POST /similarity \
            (text-embeddings-inference bodies) and GET /metrics (Prometheus). SIGTERM or SIGINT \
            first drains for --drain-seconds: the server keeps serving, /ping (the readiness probe) \
            answers 503 so a load balancer or Kubernetes takes it out of rotation, every answer \
            carries 'Connection: close' so clients stop reusing their connections, and /health (the \
            liveness probe) stays 200. Then it stops accepting connections, answers the requests in \
            flight, and exits 0.

            Examples:
              mlpack serve -m ./similarity-model
              mlpack serve -m model.mlpack --host 0.0.0.0 --port 8080 --max-batch-size 64
              MLPACK_API_KEY=secret mlpack serve -m ./similarity-model
              curl -s localhost:5000/invocations -H 'Content-Type: application/json' \\
                -d '{"inputs": {"sentence_1": ["I like apples"], "sentence_2": ["I like oranges"]}}'
            """)

    @Option(name: [.short, .customLong("model")], help: "Model directory, mlpack archive, or models:/ or runs:/ URI.")
    public var model: String

    @Option(help: "Interface to bind.")
    public var host: String = "127.0.0.1"

    @Option(name: [.short, .long], help: "TCP port (0 picks a free one).")
    public var port: Int = 5000

    @Option(name: [.short, .long], help: "Model calls (batches) running at once, each on its own thread.")
    public var workers: Int = 1

    @Option(help: "Most rows encoded in one model call.")
    public var maxBatchSize: Int = 32

    @Option(
        help: ArgumentHelp(
            "Longest a request waits for companions when a worker is free, in milliseconds.",
            discussion: "0 (the default) dispatches at once and batches what queued while the workers were busy."))
    public var maxBatchDelayMs: Int = 0

    @Option(help: "Most rows waiting for a batch; beyond it requests get 503 with Retry-After.")
    public var maxQueueRows: Int = 4096

    @Option(help: "Largest request body in bytes (413 beyond).")
    public var maxBodyBytes: Int = 16 * 1024 * 1024

    @Option(help: "Most rows in one request (413 beyond).")
    public var maxRows: Int = 10_000

    @Option(help: "Deepest JSON nesting accepted (400 beyond).")
    public var maxJsonDepth: Int = 64

    @Option(name: [.short, .long], help: "Seconds a request may take (MLflow's --timeout; 504 beyond).")
    public var timeout: Double = 60

    @Option(
        help: ArgumentHelp(
            "Most open connections.",
            discussion: "At the cap the connection that has waited longest for a request head (slow or idle) is closed to make room; only when every connection has a request in progress do new ones wait in the listen backlog."))
    public var maxConnections: Int = 1024

    @Option(help: "Seconds a connection may take to send a complete request head (from opening, or from a later request's first byte); 408 and closed beyond.")
    public var headerTimeoutSeconds: Double = 10

    @Option(help: "Seconds an idle keep-alive connection stays open.")
    public var idleTimeoutSeconds: Double = 60

    @Option(help: "Seconds an answer may sit unread by the client (nothing drains) before the connection is closed.")
    public var writeTimeoutSeconds: Double = 30

    @Option(help: "After SIGTERM/SIGINT, keep serving this many seconds with /ping answering 503 (out of a load balancer's rotation; /health stays 200), then close.")
    public var drainSeconds: Double = 0

    @Option(
        help: ArgumentHelp(
            "Require 'Authorization: Bearer KEY' on every route but /ping, /health and /version.",
            discussion: "The environment variable MLPACK_API_KEY sets it without showing it in the process list."))
    public var apiKey: String?

    @Flag(help: "Serve GET /metrics without the API key (a Prometheus scrape needs no secret).")
    public var publicMetrics: Bool = false

    @Option(help: "Threads one model call may use (the encoder's matrix products; default: the CPUs this process may use, shared among the workers).")
    public var threads: Int?

    @Option(help: PrecisionOption.help)
    public var precision: Precision?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: String = "info"

    public init() {}

    public func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard drainSeconds >= 0, drainSeconds <= 3600 else { throw ValidationError("--drain-seconds must be between 0 and 3600.") }
        for (name, value) in [
            ("--workers", workers), ("--max-batch-size", maxBatchSize), ("--max-queue-rows", maxQueueRows),
            ("--max-rows", maxRows), ("--max-json-depth", maxJsonDepth), ("--max-connections", maxConnections),
            ("--max-body-bytes", maxBodyBytes), ("--threads", threads ?? 1),
        ] where value < 1 {
            throw ValidationError("\(name) must be at least 1.")
        }
        guard maxJsonDepth <= 1000 else { throw ValidationError("--max-json-depth must be at most 1000.") }
        guard maxBatchDelayMs >= 0 else { throw ValidationError("--max-batch-delay-ms must not be negative.") }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds.") }
        for (name, value) in [
            ("--header-timeout-seconds", headerTimeoutSeconds), ("--idle-timeout-seconds", idleTimeoutSeconds),
            ("--write-timeout-seconds", writeTimeoutSeconds),
        ] where !(value > 0 && value <= 86400) {
            throw ValidationError("\(name) must be a positive number of seconds (at most 86400).")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        if let apiKey, apiKey.isEmpty { throw ValidationError("--api-key must not be empty.") }
    }

    /// The server settings these options describe (`environment` supplies MLPACK_API_KEY).
    public func serverConfiguration(environment: [String: String] = [:]) -> ScoringServerConfiguration {
        let key = apiKey ?? environment["MLPACK_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        return ScoringServerConfiguration(
            host: host, port: port, maxBodyBytes: maxBodyBytes, maxJSONDepth: maxJsonDepth,
            maxRowsPerRequest: maxRows, requestTimeout: .milliseconds(Int64((timeout * 1000).rounded())),
            apiKey: key,
            batching: .init(
                maxBatchSize: maxBatchSize, maxDelay: .milliseconds(maxBatchDelayMs), maxQueuedRows: maxQueueRows,
                maxConcurrentBatches: workers),
            maxConnections: maxConnections, idleTimeout: Self.duration(idleTimeoutSeconds),
            drainPeriod: Self.duration(drainSeconds), publicMetrics: publicMetrics,
            headerTimeout: Self.duration(headerTimeoutSeconds), writeTimeout: Self.duration(writeTimeoutSeconds))
    }

    private static func duration(_ seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }

    public func run() async throws {
        let configuration = serverConfiguration(environment: ProcessInfo.processInfo.environment)
        // Log lines go out from the writer's own thread through a bounded queue: a stalled stderr
        // reader costs dropped (and counted) lines, never a blocked request.
        signal(SIGPIPE, SIG_IGN)
        // Each log line's timestamp calls localtime_r, which with TZ unset stats /etc/localtime
        // every time (a syscall in every request's path); this names the same zone, read once.
        if getenv("TZ") == nil { setenv("TZ", ":/etc/localtime", 0) }
        let logWriter = BoundedLogWriter(fileDescriptor: STDERR_FILENO)
        defer { logWriter.finish(waitingAtMost: .seconds(2)) }
        var configuredLogger = Logger(label: "mlpack.serve") { logWriter.logHandler(label: $0) }
        configuredLogger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let logger = configuredLogger
        let clock = ContinuousClock()
        let started = clock.now
        let registry = PrometheusCollectorRegistry()
        let (name, loaded): (String, any LoadedModel)
        do {
            (name, loaded) = try await Self.load(
                model, threads: threads ?? max(1, AvailableCPUs.count / workers),
                precision: PrecisionOption.resolve(precision))
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("mlpack serve: \(error)")
        }
        let loadTime = clock.now - started
        let service = ModelService(
            name: name, model: loaded, configuration: configuration,
            metricsFactory: ScoringServer.metricsFactory(for: registry))
        let server = ScoringServer(service: service, configuration: configuration, logger: logger, registry: registry, logWriter: logWriter)
        let host = configuration.host
        do {
            try await server.run { port in
                logger.notice("serving '\(name)' on http://\(host):\(port) (model loaded in \(loadTime))")
            }
        } catch {
            throw CommandFailure("mlpack serve: \(error)")
        }
    }

    // MARK: Model loading

    /// Loads the model at `path` with the registered flavors, off the cooperative pool (reading
    /// and checking the weights is file I/O); returns the flavor's name (for logs) and the model.
    static func load(_ path: String, threads: Int, precision: Precision = .fp32) async throws -> (name: String, model: any LoadedModel) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let (_, _, loaded, flavor) = try ModelPath.load(path, threads: threads, precision: precision)
                    return (flavor.name, loaded)
                })
            }
        }
    }
}
