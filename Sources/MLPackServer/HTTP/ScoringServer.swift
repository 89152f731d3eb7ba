import Hummingbird
import HummingbirdCore
import Logging
import MLPackCore
import NIOCore

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

    public init(model: any ScoringModel, configuration: ScoringServerConfiguration, logger: Logger) {
        self.model = model
        self.configuration = configuration
        self.logger = logger
        metrics = ServerMetrics()
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
