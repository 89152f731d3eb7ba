import Foundation

/// What went wrong talking to an MLflow tracking store. Each case names the thing at fault (URI,
/// endpoint, file, database, variable) and what was expected.
public enum TrackingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A model, run, experiment, version or alias that the store does not have (REST 404,
    /// `RESOURCE_DOES_NOT_EXIST`, or no row).
    case notFound(what: String, detail: String)
    /// 401/403 from a server: which variables carry credentials.
    case unauthorized(status: Int, endpoint: String, message: String)
    /// Any other error answer of a tracking server.
    case server(status: Int, endpoint: String, errorCode: String, message: String)
    /// No answer (connection refused, timeout, TLS) after the retries.
    case transport(endpoint: String, message: String)
    /// An answer that is not what the protocol says.
    case invalidResponse(endpoint: String, reason: String)
    /// A URI mlpack does not resolve (scheme, form), with why.
    case unsupportedURI(uri: String, reason: String)
    /// A tracking URI mlpack does not speak to (`databricks`, plugins, …).
    case unsupportedTrackingURI(uri: String, reason: String)
    /// A local database whose `alembic_version` is not one mlpack has tested.
    case unsupportedDatabaseVersion(path: String, found: String, supported: [String])
    /// The local database: locked, unreadable or damaged.
    case database(path: String, message: String)
    /// A name MLflow would refuse.
    case invalidName(name: String, reason: String)
    /// The experiment exists but is deleted (MLflow refuses to log into it).
    case deletedExperiment(name: String, id: String)
    /// Reading or writing model files (upload, download, cache).
    case artifact(path: String, message: String)
    /// An argument that cannot be sent (e.g. a param value over MLflow's limit).
    case invalidArgument(key: String, message: String)

    public var description: String {
        switch self {
        case .notFound(let what, let detail):
            return "\(what): not found (\(detail))"
        case .unauthorized(let status, let endpoint, let message):
            let hint = status == 401
                ? "set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (Basic), or MLFLOW_TRACKING_TOKEN (Bearer)"
                : "the credentials in MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_TOKEN lack the permission for this"
            return "\(endpoint): HTTP \(status) \(status == 401 ? "unauthenticated" : "permission denied")\(message.isEmpty ? "" : ": \(message)"); \(hint)"
        case .server(let status, let endpoint, let code, let message):
            return "\(endpoint): HTTP \(status) \(code): \(message)"
        case .transport(let endpoint, let message):
            return "\(endpoint): \(message)"
        case .invalidResponse(let endpoint, let reason):
            return "\(endpoint): unexpected answer: \(reason)"
        case .unsupportedURI(let uri, let reason):
            return "\(uri): \(reason)"
        case .unsupportedTrackingURI(let uri, let reason):
            return "tracking URI \(uri): \(reason)"
        case .unsupportedDatabaseVersion(let path, let found, let supported):
            return "\(path): alembic_version \(found) is not a schema mlpack has tested (supported: \(supported.joined(separator: ", ")), MLflow 3.17); run an `mlflow server` on it and set MLFLOW_TRACKING_URI=http://…, or upgrade mlpack"
        case .database(let path, let message):
            return "\(path): \(message)"
        case .invalidName(let name, let reason):
            return "name \"\(name)\": \(reason)"
        case .deletedExperiment(let name, let id):
            return "experiment \"\(name)\" (id \(id)) is deleted; restore it (`mlflow experiments restore --experiment-id \(id)`) or choose another name"
        case .artifact(let path, let message):
            return "\(path): \(message)"
        case .invalidArgument(let key, let message):
            return "\(key): \(message)"
        }
    }
}
