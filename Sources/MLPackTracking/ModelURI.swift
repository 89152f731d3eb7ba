import Foundation

/// A model named by URI, as MLflow parses it (`store/artifact/utils/models.py` `_parse_model_uri`,
/// `runs_artifact_repo.py` `parse_runs_uri`).
public enum ModelURI: Equatable, Sendable, CustomStringConvertible {
    /// `models:/m-<id>` (MLflow 3: any single segment without `@` is a logged model id).
    case loggedModel(id: String)
    /// `models:/<name>/<version>`.
    case version(name: String, version: String)
    /// `models:/<name>/latest`: the newest version.
    case latest(name: String)
    /// `models:/<name>/<stage>` (deprecated stages: the newest version in that stage).
    case stage(name: String, stage: String)
    /// `models:/<name>@<alias>`.
    case alias(name: String, alias: String)
    /// `runs:/<run id>/<path>`.
    case run(id: String, path: String)

    public var description: String {
        switch self {
        case .loggedModel(let id): "models:/\(id)"
        case .version(let name, let version): "models:/\(name)/\(version)"
        case .latest(let name): "models:/\(name)/latest"
        case .stage(let name, let stage): "models:/\(name)/\(stage)"
        case .alias(let name, let alias): "models:/\(name)@\(alias)"
        case .run(let id, let path): "runs:/\(id)/\(path)"
        }
    }

    /// Whether `text` uses a tracking scheme (`models:` or `runs:`), so it is parsed as a URI, not a path.
    public static func isTrackingURI(_ text: String) -> Bool {
        text.hasPrefix("models:") || text.hasPrefix("runs:")
    }

    /// Parses a `models:/…` or `runs:/…` URI. Databricks profile forms (`models://profile@databricks/…`)
    /// and malformed URIs are refused with MLflow's explanation of the forms.
    public static func parse(_ text: String) throws(TrackingError) -> ModelURI {
        if text.hasPrefix("models:") {
            let rest = text.dropFirst("models:".count)
            guard rest.hasPrefix("/") else { throw improper(text) }
            if rest.hasPrefix("//") {
                throw .unsupportedURI(uri: text, reason: "a models:// URI with a profile or host (Databricks) is not supported; use models:/<name>/<version>, models:/<name>@<alias> or models:/m-<id> against MLFLOW_TRACKING_URI")
            }
            let path = String(rest.dropFirst())
            let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard !path.isEmpty, parts.count <= 2, !parts[0].trimmingCharacters(in: .whitespaces).isEmpty else { throw improper(text) }
            if parts.count == 2 {
                let (name, suffix) = (parts[0], parts[1])
                guard !suffix.trimmingCharacters(in: .whitespaces).isEmpty else { throw improper(text) }
                if suffix.allSatisfy(\.isASCII) && suffix.allSatisfy(\.isNumber) { return .version(name: name, version: suffix) }
                if suffix.lowercased() == "latest" { return .latest(name: name) }
                return .stage(name: name, stage: suffix)
            }
            if let at = parts[0].lastIndex(of: "@") {
                let name = String(parts[0][..<at])
                let alias = String(parts[0][parts[0].index(after: at)...])
                guard !alias.trimmingCharacters(in: .whitespaces).isEmpty else { throw improper(text) }
                return .alias(name: name, alias: alias)
            }
            return .loggedModel(id: parts[0])
        }
        if text.hasPrefix("runs:") {
            let rest = text.dropFirst("runs:".count)
            let form = "runs:/ URIs must be of the form runs:/<run_id>/<path> (the path names the model, e.g. runs:/<run_id>/similarity)"
            guard rest.hasPrefix("/"), !rest.hasPrefix("//") else { throw .unsupportedURI(uri: text, reason: form) }
            let parts = rest.dropFirst().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let id = parts.first, !id.isEmpty, parts.count == 2, !parts[1].isEmpty else {
                throw .unsupportedURI(uri: text, reason: form)
            }
            let path = parts[1].hasSuffix("/") ? String(parts[1].dropLast()) : parts[1]
            guard !path.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) else {
                throw .unsupportedURI(uri: text, reason: "'..' or '.' in the artifact path")
            }
            return .run(id: id, path: path)
        }
        throw .unsupportedURI(uri: text, reason: "not a models:/ or runs:/ URI")
    }

    static func improper(_ uri: String) -> TrackingError {
        .unsupportedURI(uri: uri, reason: "not a proper models:/ URI: the forms are models:/m-<id> (a logged model), models:/<name>/<version>, models:/<name>/latest and models:/<name>@<alias>")
    }
}
