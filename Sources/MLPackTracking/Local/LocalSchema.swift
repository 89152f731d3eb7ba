import Foundation

/// The pinned MLflow schema and the small path/URI rules the local store shares with MLflow.
enum LocalSchema {
    /// The MLflow release whose schema the resource holds.
    static let mlflowVersion = "3.17.2"
    /// The resource written by scripts/gen-mlflow-schema.py.
    static let resourceName = "mlflow-3.17.2-schema"
    /// `alembic_version` values mlpack reads and writes (MLflow 3.17.2's head).
    static let supportedAlembicVersions = ["dc11669786a5"]
    /// The workspace every row of a single-tenant store belongs to.
    static let defaultWorkspace = "default"

    /// The CREATE statements, the alembic_version row and the default workspace, as MLflow makes them.
    static func schemaSQL() throws(TrackingError) -> String {
        guard let url = Bundle.module.url(forResource: resourceName, withExtension: "sql") else {
            throw .database(
                path: "\(resourceName).sql",
                message: "the MLflow \(mlflowVersion) schema resource is missing from the MLPackTracking bundle (rebuild mlpack)")
        }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .database(path: url.path, message: "cannot read the MLflow schema resource: \(error)")
        }
    }
}

/// Paths and URIs as MLflow's local store writes them.
enum LocalPaths {
    /// `path` made absolute against `directory`, with `.` and empty components removed (as
    /// `pathlib` does; `..` is kept).
    static func absolute(_ path: String, against directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        let parts = joined.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        return "/" + parts.joined(separator: "/")
    }

    /// An artifact root as MLflow's `resolve_uri_if_local` keeps it: an absolute path stays, a
    /// relative one is made absolute against the current directory (no `file://`), a `file:`
    /// URI stays as given.
    static func artifactRoot(_ root: String, currentDirectory: String) -> String {
        if root.hasPrefix("file:") { return trimmingTrailingSlash(root) }
        return trimmingTrailingSlash(absolute(root, against: currentDirectory))
    }

    /// `append_to_uri_path` for the local forms: `<base>/<a>/<b>`.
    static func join(_ base: String, _ components: String...) -> String {
        var result = trimmingTrailingSlash(base)
        for c in components { result += "/" + c }
        return result
    }

    static func trimmingTrailingSlash(_ s: String) -> String {
        var s = s
        while s.count > 1, s.hasSuffix("/"), !s.hasSuffix(":/"), !s.hasSuffix("://") { s.removeLast() }
        return s
    }

    /// The database path of a `sqlite:///…` tracking URI, as SQLAlchemy reads it:
    /// `sqlite:///relative.db` is relative to `currentDirectory`, `sqlite:////abs/x.db` absolute;
    /// `%xx` escapes are decoded. In-memory databases, hosts and query options are refused.
    static func databasePath(fromTrackingURI uri: String, currentDirectory: String) throws(TrackingError) -> String {
        let prefix = "sqlite:///"
        guard uri.hasPrefix(prefix) else {
            if uri == "sqlite://" || uri.hasPrefix("sqlite://") {
                throw .unsupportedTrackingURI(
                    uri: uri, reason: "expected sqlite:///<relative path> or sqlite:////<absolute path> (a file database, no host)")
            }
            throw .unsupportedTrackingURI(uri: uri, reason: "not a sqlite:/// URI")
        }
        let rest = String(uri.dropFirst(prefix.count))
        if rest.contains("?") {
            throw .unsupportedTrackingURI(uri: uri, reason: "query options (?…) are not supported by mlpack's local store; use a plain sqlite:///path")
        }
        guard let decoded = rest.removingPercentEncoding, !decoded.isEmpty else {
            throw .unsupportedTrackingURI(uri: uri, reason: "expected a database file path after sqlite:///")
        }
        if decoded == ":memory:" || decoded.hasPrefix("file:") {
            throw .unsupportedTrackingURI(uri: uri, reason: "in-memory and file: URI databases are not supported; use sqlite:///path/to/mlflow.db")
        }
        return absolute(decoded, against: currentDirectory)
    }

    /// The `sqlite:///` URI MLflow prints for an absolute database path (`sqlite:////abs/mlflow.db`).
    static func trackingURI(forDatabasePath path: String) -> String {
        let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return "sqlite:///" + escaped
    }
}
