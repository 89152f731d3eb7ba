import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MLPackCore
import MLPackServer
import Prometheus
import ServiceLifecycle

/// Runs `body` against an in-process server (Hummingbird's router test framework: no sockets).
/// `prepare` sees the server before it starts.
func withServer<T: Sendable>(
    model: any LoadedModel = EchoModel(),
    configure: (inout ScoringServerConfiguration) -> Void = { _ in },
    prepare: (ScoringServer) -> Void = { _ in },
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    var configuration = ScoringServerConfiguration(port: 0)
    configure(&configuration)
    var logger = Logger(label: "mlpack.serve.test")
    logger.logLevel = .critical
    let registry = PrometheusCollectorRegistry()
    let service = ModelService(
        name: model.flavorName, model: model, configuration: configuration,
        metricsFactory: ScoringServer.metricsFactory(for: registry))
    let server = ScoringServer(service: service, configuration: configuration, logger: logger, registry: registry)
    prepare(server)
    do {
        let result = try await server.makeApplication().test(.router) { client in try await body(client) }
        await service.shutdown()
        return result
    } catch {
        await service.shutdown()
        throw error
    }
}

/// Runs `body` with the port of a real server on loopback (the whole channel pipeline). Unlike
/// Hummingbird's `.live` test setup it handles no signals: ShutdownTests' SIGTERM to this process
/// must not stop it.
func withLiveServer<T: Sendable>(
    model: any LoadedModel = EchoModel(),
    configure: (inout ScoringServerConfiguration) -> Void = { _ in },
    prepare: (ScoringServer) -> Void = { _ in },
    _ body: @escaping @Sendable (Int) async throws -> T
) async throws -> T {
    var configuration = ScoringServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    var logger = Logger(label: "mlpack.serve.test")
    logger.logLevel = .critical
    let service = ModelService(name: model.flavorName, model: model, configuration: configuration)
    let server = ScoringServer(service: service, configuration: configuration, logger: logger)
    prepare(server)
    let (ports, bound) = AsyncStream.makeStream(of: Int.self)
    let group = ServiceGroup(configuration: .init(
        services: [server.makeApplication { port in bound.yield(port); bound.finish() }], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        defer { tasks.cancelAll() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let result = try await body(port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            await service.shutdown()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            await service.shutdown()
            throw error
        }
    }
}

extension TestClientProtocol {
    /// POSTs `body` with an optional content type and extra headers.
    func post(
        _ uri: String, contentType: String?, body: String, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body parsed as a JSON object.
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) as? [String: Any]
    }

    var contentType: String? { headers[.contentType] }
}
