import Foundation

/// How mlpack talks to a tracking server, read from MLflow's own environment variables
/// (`mlflow/utils/credentials.py`, `mlflow/utils/rest_utils.py`, `mlflow/environment_variables.py`).
public struct RESTConfiguration: Sendable, Equatable {
    public enum Authorization: Sendable, Equatable {
        case none
        /// `MLFLOW_TRACKING_USERNAME` + `MLFLOW_TRACKING_PASSWORD` (or `~/.mlflow/credentials`).
        case basic(username: String, password: String)
        /// `MLFLOW_TRACKING_TOKEN`.
        case bearer(token: String)

        /// The `Authorization` header value, if any.
        public var headerValue: String? {
            switch self {
            case .none: return nil
            case .basic(let user, let password): return "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
            case .bearer(let token): return "Bearer \(token)"
            }
        }
    }

    public var authorization: Authorization
    /// `MLFLOW_TRACKING_INSECURE_TLS=true`: no certificate verification.
    public var insecureTLS: Bool
    /// `MLFLOW_TRACKING_SERVER_CERT_PATH`: a CA bundle to trust.
    public var serverCertificatePath: String?
    /// `MLFLOW_TRACKING_CLIENT_CERT_PATH`: a PEM file with the client certificate and its key.
    public var clientCertificatePath: String?
    /// `MLFLOW_HTTP_REQUEST_MAX_RETRIES` (7).
    public var maxRetries: Int
    /// `MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR` (2): the n-th retry waits factor × 2^(n-1) seconds, capped at 120.
    public var backoffFactor: Double
    /// `MLFLOW_HTTP_REQUEST_BACKOFF_JITTER` (1): up to that many seconds added at random.
    public var backoffJitter: Double
    /// `MLFLOW_HTTP_REQUEST_TIMEOUT` (120 s) per request.
    public var timeoutSeconds: Double

    public init(authorization: Authorization = .none, insecureTLS: Bool = false, serverCertificatePath: String? = nil,
                clientCertificatePath: String? = nil, maxRetries: Int = 7, backoffFactor: Double = 2,
                backoffJitter: Double = 1, timeoutSeconds: Double = 120) {
        self.authorization = authorization
        self.insecureTLS = insecureTLS
        self.serverCertificatePath = serverCertificatePath
        self.clientCertificatePath = clientCertificatePath
        self.maxRetries = maxRetries
        self.backoffFactor = backoffFactor
        self.backoffJitter = backoffJitter
        self.timeoutSeconds = timeoutSeconds
    }

    /// The configuration MLflow's Python client would use with this environment. Variables mlpack
    /// cannot honour (`MLFLOW_TRACKING_AUTH` plugins, `MLFLOW_TRACKING_AWS_SIGV4`) are refused, never ignored.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       home: URL = FileManager.default.homeDirectoryForCurrentUser) throws(TrackingError) -> RESTConfiguration {
        func value(_ key: String) -> String? {
            guard let v = environment[key], !v.isEmpty else { return nil }
            return v
        }
        func flag(_ key: String) -> Bool { ["true", "1"].contains(value(key)?.lowercased() ?? "") }
        func number(_ key: String, _ fallback: Double) throws(TrackingError) -> Double {
            guard let text = value(key) else { return fallback }
            guard let n = Double(text), n >= 0 else {
                throw .invalidArgument(key: key, message: "expected a non-negative number, got \"\(text)\"")
            }
            return n
        }
        if let auth = value("MLFLOW_TRACKING_AUTH") {
            throw .unsupportedTrackingURI(uri: value("MLFLOW_TRACKING_URI") ?? "", reason: "MLFLOW_TRACKING_AUTH=\(auth) names a Python auth plugin, which mlpack cannot run; use MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN")
        }
        if flag("MLFLOW_TRACKING_AWS_SIGV4") {
            throw .unsupportedTrackingURI(uri: value("MLFLOW_TRACKING_URI") ?? "", reason: "MLFLOW_TRACKING_AWS_SIGV4 (AWS SigV4 signing) is not supported by mlpack")
        }
        var configuration = RESTConfiguration()
        var username = value("MLFLOW_TRACKING_USERNAME")
        var password = value("MLFLOW_TRACKING_PASSWORD")
        if username == nil || password == nil, let file = Self.credentialsFile(home: home) {
            username = username ?? file.username
            password = password ?? file.password
        }
        if let username, let password {
            configuration.authorization = .basic(username: username, password: password)
        } else if let token = value("MLFLOW_TRACKING_TOKEN") {
            configuration.authorization = .bearer(token: token)
        }
        configuration.insecureTLS = flag("MLFLOW_TRACKING_INSECURE_TLS")
        configuration.serverCertificatePath = value("MLFLOW_TRACKING_SERVER_CERT_PATH")
        configuration.clientCertificatePath = value("MLFLOW_TRACKING_CLIENT_CERT_PATH")
        if configuration.insecureTLS && configuration.serverCertificatePath != nil {
            throw .invalidArgument(key: "MLFLOW_TRACKING_INSECURE_TLS", message: "cannot be combined with MLFLOW_TRACKING_SERVER_CERT_PATH (MLflow refuses both)")
        }
        configuration.maxRetries = Int(try number("MLFLOW_HTTP_REQUEST_MAX_RETRIES", 7))
        configuration.backoffFactor = try number("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", 2)
        configuration.backoffJitter = try number("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", 1)
        configuration.timeoutSeconds = try number("MLFLOW_HTTP_REQUEST_TIMEOUT", 120)
        return configuration
    }

    /// `~/.mlflow/credentials`, section `[mlflow]`: `mlflow_tracking_username`, `mlflow_tracking_password`.
    static func credentialsFile(home: URL) -> (username: String?, password: String?)? {
        let url = home.appendingPathComponent(".mlflow/credentials")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        var section = ""
        var username: String?
        var password: String?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.hasPrefix(";") || line.isEmpty { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == "mlflow", let eq = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            let val = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if key == "mlflow_tracking_username" { username = val }
            if key == "mlflow_tracking_password" { password = val }
        }
        return (username, password)
    }

    /// Status codes MLflow retries: 408, 429, 500, 502, 503, 504.
    public static let retriedStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]

    /// Seconds to wait before retry `attempt` (1-based), as urllib3's `Retry` with MLflow's settings.
    public func backoff(attempt: Int) -> Double {
        let base = min(120, backoffFactor * pow(2, Double(attempt - 1)))
        return base + (backoffJitter > 0 ? Double.random(in: 0...backoffJitter) : 0)
    }
}
