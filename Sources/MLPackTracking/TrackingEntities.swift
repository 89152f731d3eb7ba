import Foundation

/// An MLflow experiment (`mlflow.entities.Experiment`).
public struct Experiment: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    /// Where the experiment's runs and logged models keep their files: an absolute path (local
    /// store, or a server without the artifact proxy) or `mlflow-artifacts:/<id>` (proxy).
    public var artifactLocation: String
    /// `active` or `deleted`.
    public var lifecycleStage: String
    /// Milliseconds since the epoch.
    public var creationTime: Int64?
    public var lastUpdateTime: Int64?

    public init(id: String, name: String, artifactLocation: String, lifecycleStage: String = "active",
                creationTime: Int64? = nil, lastUpdateTime: Int64? = nil) {
        self.id = id
        self.name = name
        self.artifactLocation = artifactLocation
        self.lifecycleStage = lifecycleStage
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
    }

    public var isDeleted: Bool { lifecycleStage == "deleted" }
}

/// A run's status (`mlflow.entities.RunStatus`).
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case running = "RUNNING", scheduled = "SCHEDULED", finished = "FINISHED", failed = "FAILED", killed = "KILLED"
}

/// An MLflow run (its `info`, and the tags a client needs).
public struct Run: Sendable, Equatable, Codable {
    public var id: String
    public var experimentID: String
    public var name: String
    public var status: RunStatus
    /// `<experiment artifact location>/<run id>/artifacts`.
    public var artifactURI: String
    public var startTime: Int64?
    public var endTime: Int64?
    public var lifecycleStage: String
    public var userID: String

    public init(id: String, experimentID: String, name: String, status: RunStatus, artifactURI: String,
                startTime: Int64?, endTime: Int64? = nil, lifecycleStage: String = "active", userID: String = "") {
        self.id = id
        self.experimentID = experimentID
        self.name = name
        self.status = status
        self.artifactURI = artifactURI
        self.startTime = startTime
        self.endTime = endTime
        self.lifecycleStage = lifecycleStage
        self.userID = userID
    }
}

/// A logged model's status (`LoggedModelStatus`; the SQL store keeps 1, 2 and 3).
public enum LoggedModelStatus: String, Sendable, Codable, CaseIterable {
    case pending = "LOGGED_MODEL_PENDING"
    case ready = "LOGGED_MODEL_READY"
    case failed = "LOGGED_MODEL_UPLOAD_FAILED"

    /// The integer the SQL store writes in `logged_models.status`.
    public var sqlValue: Int {
        switch self {
        case .pending: 1
        case .ready: 2
        case .failed: 3
        }
    }

    public init?(sqlValue: Int) {
        guard let status = Self.allCases.first(where: { $0.sqlValue == sqlValue }) else { return nil }
        self = status
    }

    /// The short word shown in tables: `PENDING`, `READY`, `FAILED`.
    public var shortName: String {
        switch self {
        case .pending: "PENDING"
        case .ready: "READY"
        case .failed: "FAILED"
        }
    }
}

/// An MLflow 3 logged model (`mlflow.entities.LoggedModel`): the `m-<32 hex>` object a model's files
/// belong to, independent of runs.
public struct LoggedModel: Sendable, Equatable, Codable {
    /// `m-<32 lowercase hex>`.
    public var id: String
    public var experimentID: String
    public var name: String
    /// Where its files live: `<experiment artifact location>/models/<id>/artifacts`.
    public var artifactLocation: String
    public var status: LoggedModelStatus
    public var sourceRunID: String?
    public var creationTimestampMS: Int64
    public var lastUpdatedTimestampMS: Int64?
    public var modelType: String?
    public var tags: [String: String]
    public var params: [String: String]

    public init(id: String, experimentID: String, name: String, artifactLocation: String, status: LoggedModelStatus,
                sourceRunID: String?, creationTimestampMS: Int64, lastUpdatedTimestampMS: Int64? = nil,
                modelType: String? = nil, tags: [String: String] = [:], params: [String: String] = [:]) {
        self.id = id
        self.experimentID = experimentID
        self.name = name
        self.artifactLocation = artifactLocation
        self.status = status
        self.sourceRunID = sourceRunID
        self.creationTimestampMS = creationTimestampMS
        self.lastUpdatedTimestampMS = lastUpdatedTimestampMS
        self.modelType = modelType
        self.tags = tags
        self.params = params
    }

    /// The URI MLflow 3 prints for it: `models:/m-…`.
    public var uri: String { "models:/\(id)" }
}

/// A version of a registered model (`mlflow.entities.model_registry.ModelVersion`).
public struct ModelVersion: Sendable, Equatable, Codable {
    public var name: String
    public var version: String
    /// `models:/m-…` for models logged in MLflow 3, a run artifact URI for older ones.
    public var source: String
    public var runID: String?
    public var modelID: String?
    /// Where the registry keeps (or points at) the files, when it says.
    public var storageLocation: String?
    public var aliases: [String]

    public init(name: String, version: String, source: String, runID: String? = nil, modelID: String? = nil,
                storageLocation: String? = nil, aliases: [String] = []) {
        self.name = name
        self.version = version
        self.source = source
        self.runID = runID
        self.modelID = modelID
        self.storageLocation = storageLocation
        self.aliases = aliases
    }
}

/// A file under an artifact location.
public struct ArtifactFile: Sendable, Equatable {
    /// Relative to the listed location, `/`-separated.
    public var path: String
    public var isDirectory: Bool
    public var size: Int64?

    public init(path: String, isDirectory: Bool, size: Int64?) {
        self.path = path
        self.isDirectory = isDirectory
        self.size = size
    }
}

/// Identifiers as MLflow makes them.
public enum TrackingIDs {
    /// A run id: `uuid4().hex`.
    public static func newRunID() -> String { UUID().uuidString.lowercased().filter { $0 != "-" } }
    /// A logged model id: `m-` + `uuid4().hex`.
    public static func newModelID() -> String { "m-" + newRunID() }
    /// Milliseconds since the epoch, now.
    public static func nowMS() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Whether `name` may name a logged model: MLflow refuses `/ : . % " '` in it (and empty names).
    public static func checkModelName(_ name: String) throws(TrackingError) {
        let forbidden: Set<Character> = ["/", ":", ".", "%", "\"", "'"]
        if name.isEmpty { throw .invalidName(name: name, reason: "a model name must not be empty") }
        if let bad = name.first(where: { forbidden.contains($0) }) {
            throw .invalidName(name: name, reason: "a model name must not contain '\(bad)' (MLflow refuses / : . % \" ')")
        }
    }
}
