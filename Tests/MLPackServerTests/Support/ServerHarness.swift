import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MLPackServer

/// Runs `body` against an in-process server (Hummingbird's router test framework: no sockets).
func withServer<T: Sendable>(
    model: any ScoringModel = EchoModel(),
    configure: (inout ScoringServerConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    var configuration = ScoringServerConfiguration(port: 0)
    configure(&configuration)
    var logger = Logger(label: "mlpack.serve.test")
    logger.logLevel = .critical
    let server = ScoringServer(model: model, configuration: configuration, logger: logger)
    return try await server.makeApplication().test(.router) { client in try await body(client) }
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
