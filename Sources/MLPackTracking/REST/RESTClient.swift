import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import NIOSSL

/// HTTP to one tracking server: MLflow's auth, TLS, retry and timeout rules, JSON in and out.
/// Owns its `HTTPClient`; call ``shutdown()`` when done.
final class RESTClient: Sendable {
    /// The tracking URI without a trailing slash, path prefix kept (`https://host/prefix`).
    let base: String
    let configuration: RESTConfiguration
    let http: HTTPClient
    /// The largest JSON answer read (a page of search results is far smaller).
    static let maxJSONBytes = 64 << 20

    init(base: String, configuration: RESTConfiguration) throws(TrackingError) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.configuration = configuration
        var tls = TLSConfiguration.makeClientConfiguration()
        if configuration.insecureTLS { tls.certificateVerification = .none }
        if let ca = configuration.serverCertificatePath { tls.trustRoots = .file(ca) }
        if let pem = configuration.clientCertificatePath {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(pem).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: pem, format: .pem))
            } catch {
                throw .invalidArgument(key: "MLFLOW_TRACKING_CLIENT_CERT_PATH", message: "\(pem): not a PEM file with a certificate and its key (\(error))")
            }
        }
        let seconds = Int64(configuration.timeoutSeconds.rounded(.up))
        var client = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .follow(max: 5, allowCycles: false),
            timeout: .init(connect: .seconds(min(seconds, 30)), read: .seconds(max(1, seconds))))
        client.decompression = .enabled(limit: .ratio(100))
        // A refused connection fails at once; MLflow's own retry rule (with its back-off) applies.
        client.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: client)
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    // MARK: JSON API

    /// `GET /api/2.0/<endpoint>?query` → the JSON object answered.
    func get(_ endpoint: String, query: [(String, String)] = []) async throws(TrackingError) -> [String: Any] {
        try await json(.GET, endpoint, query: query, body: nil)
    }

    /// `POST` (or `PATCH`) `/api/2.0/<endpoint>` with a JSON body → the JSON object answered.
    func send(_ method: HTTPMethod, _ endpoint: String, _ body: [String: Any]) async throws(TrackingError) -> [String: Any] {
        try await json(method, endpoint, query: [], body: body)
    }

    private func json(_ method: HTTPMethod, _ endpoint: String, query: [(String, String)], body: [String: Any]?) async throws(TrackingError) -> [String: Any] {
        let url = Self.url(base + "/api/2.0/" + endpoint, query: query)
        let payload: Data?
        if let body {
            do { payload = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) } catch {
                throw .invalidArgument(key: endpoint, message: "cannot encode the request as JSON: \(error)")
            }
        } else {
            payload = nil
        }
        let (status, bytes) = try await perform(endpoint: endpoint) {
            var request = HTTPClientRequest(url: url)
            request.method = method
            if let payload {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(data: payload))
            }
            return request
        }
        guard (200..<300).contains(status) else { throw Self.failure(status: status, endpoint: endpoint, body: bytes) }
        if bytes.readableBytes == 0 { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any] else {
            throw .invalidResponse(endpoint: endpoint, reason: "not a JSON object: \(Self.excerpt(bytes))")
        }
        return object
    }

    // MARK: Transport

    /// Sends the request `make()` builds (again on each retry), reads the whole answer (JSON-sized).
    func perform(endpoint: String, _ make: () async throws -> HTTPClientRequest) async throws(TrackingError) -> (status: Int, body: ByteBuffer) {
        try await withRetries(endpoint: endpoint) {
            let response = try await self.execute(try await make())
            let body = try await response.body.collect(upTo: Self.maxJSONBytes)
            return (Int(response.status.code), body)
        } status: { $0.status }
    }

    /// Runs `attempt` up to 1 + maxRetries times while it fails to connect or answers a retried status.
    func withRetries<T>(endpoint: String, _ attempt: () async throws -> T, status: (T) -> Int) async throws(TrackingError) -> T {
        var tries = 0
        while true {
            tries += 1
            do {
                let result = try await attempt()
                let code = status(result)
                if RESTConfiguration.retriedStatuses.contains(code) && tries <= configuration.maxRetries {
                    try? await Task.sleep(nanoseconds: UInt64(configuration.backoff(attempt: tries) * 1e9))
                    continue
                }
                return result
            } catch let error as TrackingError {
                throw error
            } catch {
                if tries <= configuration.maxRetries && Self.isRetriable(error) {
                    try? await Task.sleep(nanoseconds: UInt64(configuration.backoff(attempt: tries) * 1e9))
                    continue
                }
                let retried = tries > 1 ? " (after \(tries - 1) retries; MLFLOW_HTTP_REQUEST_MAX_RETRIES=\(configuration.maxRetries))" : ""
                throw .transport(endpoint: base + "/api/2.0/" + endpoint, message: "\(Self.describe(error))\(retried)")
            }
        }
    }

    /// One request with the authorization header and the per-request deadline.
    func execute(_ request: HTTPClientRequest, deadline: TimeAmount? = nil) async throws -> HTTPClientResponse {
        var request = request
        if let auth = configuration.authorization.headerValue { request.headers.replaceOrAdd(name: "Authorization", value: auth) }
        request.headers.replaceOrAdd(name: "User-Agent", value: "mlpack (MLflow REST client)")
        // The read timeout (per socket read, like Python's requests) is in the client's configuration;
        // the whole exchange gets a generous deadline so a large upload is not cut short.
        return try await http.execute(request, timeout: deadline ?? .hours(6))
    }

    static func isRetriable(_ error: any Error) -> Bool {
        if error is NIOSSLError { return false }
        if let client = error as? HTTPClientError, client == .remoteConnectionClosed || client == .readTimeout || client == .connectTimeout {
            return true
        }
        return error is NIOConnectionError || error is ChannelError || (error as? IOError) != nil || error is HTTPClientError
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? NIOConnectionError {
            return "cannot connect: " + (e.connectionErrors.first.map { describe($0.error) } ?? "\(e)")
        }
        if let e = error as? IOError { return "cannot connect: \(String(cString: strerror(e.errnoCode))) (errno \(e.errnoCode))" }
        if let e = error as? NIOSSLError { return "TLS failed: \(e) (see MLFLOW_TRACKING_SERVER_CERT_PATH / MLFLOW_TRACKING_INSECURE_TLS)" }
        return "\(error)"
    }

    /// An error answer as a ``TrackingError``: MLflow's `{"error_code", "message"}` when present.
    static func failure(status: Int, endpoint: String, body: ByteBuffer) -> TrackingError {
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any]
        let code = object?["error_code"] as? String ?? "HTTP_\(status)"
        let message = object?["message"] as? String ?? excerpt(body)
        if status == 401 || status == 403 { return .unauthorized(status: status, endpoint: endpoint, message: message) }
        if status == 404 || code == "RESOURCE_DOES_NOT_EXIST" { return .notFound(what: endpoint, detail: message) }
        return .server(status: status, endpoint: endpoint, errorCode: code, message: message)
    }

    static func excerpt(_ body: ByteBuffer) -> String {
        let text = String(buffer: body)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    /// `base?k=v&…` with query values percent-encoded.
    static func url(_ base: String, query: [(String, String)]) -> String {
        guard !query.isEmpty else { return base }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let pairs = query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }
        return base + "?" + pairs.joined(separator: "&")
    }

    /// A `/`-separated path with each segment percent-encoded.
    static func encodePath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%;")
        return path.split(separator: "/", omittingEmptySubsequences: true)
            .map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }
}
