import Foundation

/// Which store a tracking URI names, as MLflow 3.17 decides it (`mlflow/store/tracking/__init__.py`,
/// `tracking/_tracking_service/utils.py`): `http(s)://` a tracking server; `sqlite:///…` a local
/// SQLite store; nothing set: `sqlite:///mlflow.db` in the current directory with its files under
/// `./mlruns`. The legacy file store, Databricks and plugin schemes are refused with the reason.
public enum TrackingStores {
    /// MLflow 3.17's default when `MLFLOW_TRACKING_URI` is unset.
    public static let defaultURI = LocalTrackingStore.defaultTrackingURI

    /// Opens the store `uri` names, runs `body` against it and closes it, whether `body` succeeds or throws.
    public static func withStore<T: Sendable>(uri: String, _ body: (any TrackingStore) async throws -> T) async throws -> T {
        let store = try open(uri: uri)
        do {
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }

    /// The tracking URI in effect: `explicit`, else `MLFLOW_TRACKING_URI`, else ``defaultURI``.
    public static func trackingURI(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let uri = environment["MLFLOW_TRACKING_URI"], !uri.isEmpty { return uri }
        return defaultURI
    }

    /// Opens the store `uri` names. Relative SQLite paths and the default artifact root (`./mlruns`)
    /// resolve against `currentDirectory`.
    public static func open(uri: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> any TrackingStore {
        let lower = uri.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            return try RESTTrackingStore(uri: uri, configuration: try RESTConfiguration.fromEnvironment(environment))
        }
        if LocalTrackingStore.isLocalTrackingURI(lower) {
            // MLflow's client: new experiments' files under ./mlruns (made absolute), whatever the database path.
            return try LocalTrackingStore.open(trackingURI: uri, currentDirectory: currentDirectory)
        }
        if lower.hasPrefix("databricks") {
            throw TrackingError.unsupportedTrackingURI(uri: uri, reason: "Databricks workspaces are not supported by mlpack; use an MLflow tracking server (http://…) or the local store (sqlite:///…)")
        }
        if lower.hasPrefix("file:") || uri.hasPrefix("/") || uri.hasPrefix(".") || !uri.contains(":") {
            throw TrackingError.unsupportedTrackingURI(uri: uri, reason: "the legacy file store (mlruns/ with meta.yaml files) is not supported: MLflow 3.17 itself refuses it unless MLFLOW_ALLOW_FILE_STORE=true; migrate it (`mlflow migrate-filestore`) or use sqlite:///mlflow.db")
        }
        let scheme = uri.prefix { $0 != ":" }
        throw TrackingError.unsupportedTrackingURI(uri: uri, reason: "scheme '\(scheme)' needs a database driver or plugin mlpack does not have; mlpack speaks to tracking servers (http, https) and local SQLite stores (sqlite:///path)")
    }
}
