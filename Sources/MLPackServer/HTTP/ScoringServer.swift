import Hummingbird
import HummingbirdCore
import Logging
import MLPackCore
import Metrics
import NIOCore
import Prometheus

/// `mlpack serve`: one model behind MLflow's scoring protocol.
///
/// ```swift
/// let server = ScoringServer(model: model, configuration: .init(reportedVersion: "3.17.2"), logger: logger)
/// try await server.run()   // until SIGTERM/SIGINT; in-flight requests are answered first
/// ```
public struct ScoringServer: Sendable {
    public let model: any ScoringModel
    public let configuration: ScoringServerConfiguration
    public let logger: Logger
    let metrics: ServerMetrics

    /// - Parameter registry: the Prometheus registry `/metrics` renders; pass the one the
    ///   model's own batchers report to (see ``metricsFactory(for:)``).
    public init(
        model: any ScoringModel, configuration: ScoringServerConfiguration, logger: Logger,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) {
        self.model = model
        self.configuration = configuration
        self.logger = logger
        metrics = ServerMetrics(registry: registry)
    }

    /// The swift-metrics factory the server uses over `registry` (its histogram buckets), for
    /// metrics a model records itself, e.g. a ``DynamicBatcher`` inside ``LoadedScoringModel``.
    public static func metricsFactory(for registry: PrometheusCollectorRegistry) -> any MetricsFactory {
        ServerMetrics.factory(for: registry)
    }

    /// The responder alone (for embedding the routes in another Hummingbird application).
    public func makeResponder() -> ScoringResponder {
        ScoringResponder(model: model, configuration: configuration, metrics: metrics)
    }

    /// The Hummingbird application: bind address, connection cap, idle timeout, this server's
    /// responder. `onServerRunning` receives the bound port (useful with port 0).
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<ScoringResponder> {
        let idle = TimeAmount.nanoseconds(
            configuration.idleTimeout.components.seconds * 1_000_000_000
                + configuration.idleTimeout.components.attoseconds / 1_000_000_000)
        return Application(
            responder: makeResponder(),
            server: .http1(configuration: .init(idleTimeout: idle)),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "mlpack/\(Self.serverVersion)",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting connections, answers the requests in
    /// flight and returns (the process then exits 0).
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onServerRunning: onServerRunning).runService(
            gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// mlpack's version as sent in the `Server` header.
    public static var serverVersion: String { MLPack.version }
}
