import HTTPTypes
import Hummingbird
import Logging
import MLPackCore

/// The server's edge: every request gets a request id (the client's `X-Request-Id` when it is
/// short and plain, else Hummingbird's), errors become responses here (``ScoringError`` as
/// MLflow's error JSON, anything else as a 500 that names the request id, never the error), the
/// answer carries `X-Request-Id` (and `Connection: close` while the server drains, so clients and
/// load balancers stop reusing connections to it), and the request is counted, timed and logged.
struct ResponseEdgeMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let metrics: ServerMetrics
    let drain: DrainState

    static let requestIDHeader = HTTPField.Name("X-Request-Id")!
    static let requestIDKey = "request_id"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = Self.requestID(request, context: context)
        var context = context
        context.logger[metadataKey: Self.requestIDKey] = .string(requestID)
        let path = request.uri.path
        let route = ServerMetrics.routeLabel(path)
        metrics.requestStarted()
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as ScoringError {
            response = error.response()
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error("unexpected server error: \(error)")
            response = ScoringError.internalError(ScoringMessages.internalError(requestID: requestID)).response()
        }
        if request.method == .head { response = response.createHeadResponse() }
        response.headers[Self.requestIDHeader] = requestID
        if drain.isDraining { response.headers[.connection] = "close" }
        let duration = ContinuousClock.now - started
        let status = response.status.code
        metrics.requestFinished(route: route, status: status, duration: duration)
        context.logger.info(
            "\(request.method) \(route == "other" ? "(other)" : path) \(status)",
            metadata: ["duration_ms": .string(Self.milliseconds(duration))])
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

    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}

/// FastAPI's answers for what the router does not route: `405 {"detail":"Method Not Allowed"}`
/// with `Allow` for a known path and another method, `404 {"detail":"Not Found"}` otherwise
/// (MLflow's server is FastAPI; clients and probes see the same bodies).
struct FastAPIStatusMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    /// Path → the method it answers.
    let routes: [String: String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            if let allow = routes[request.uri.path] {
                var response = ScoringServer.response(
                    405, contentType: "application/json", body: Array(#"{"detail":"Method Not Allowed"}"#.utf8))
                response.headers[.allow] = allow
                return response
            }
            return ScoringServer.response(404, contentType: "application/json", body: Array(#"{"detail":"Not Found"}"#.utf8))
        }
    }
}

/// The optional bearer key (`--api-key`, `MLPACK_API_KEY`), compared in constant time.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let authenticator: BearerAuthenticator

    init(key: String) {
        authenticator = BearerAuthenticator(key: key)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard authenticator.accepts(authorizationHeader: request.headers[.authorization]) else {
            var response = ScoringError.unauthenticated.response()
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}

extension ScoringError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// MLflow's error answer: JSON `{"error_code", "message", "sqlstate", "error_class"}` with the
    /// status, `Retry-After` on 503; a content-type refusal is plain text (as MLflow's 415).
    func response() -> Response {
        var response: Response
        if stage == .contentType {
            response = ScoringServer.response(httpStatus, contentType: "text/plain; charset=utf-8", body: Array(message.utf8))
        } else {
            response = ScoringServer.response(httpStatus, contentType: "application/json", body: Array(jsonBody.utf8))
        }
        if let retry = retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
        return response
    }
}
