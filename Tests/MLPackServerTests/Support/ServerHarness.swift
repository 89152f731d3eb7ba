import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MLPackCore
import MLPackServer
import Prometheus

/// Runs `body` against an in-process server (Hummingbird's router test framework: no sockets).
func withServer<T: Sendable>(
    model: any LoadedModel = EchoModel(),
    configure: (inout ScoringServerConfiguration) -> Void = { _ in },
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
    do {
        let result = try await server.makeApplication().test(.router) { client in try await body(client) }
        await service.shutdown()
        return result
    } catch {
        await service.shutdown()
        throw error
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
