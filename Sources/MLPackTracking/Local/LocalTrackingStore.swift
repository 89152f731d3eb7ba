import Foundation
import GRDB

/// MLflow 3's local SQLite tracking store (`sqlite:///mlflow.db`), read and written directly with
/// the tables and values MLflow 3.17.2's `SqlAlchemyStore` uses, so `mlflow ui`, the Python
/// client and mlpack see the same experiments, runs, logged models and registry.
///
/// - A new (or empty) database gets MLflow's schema from the bundled resource
///   (scripts/gen-mlflow-schema.py), the `default` workspace and experiment 0 "Default", in one
///   transaction.
/// - An existing database must carry the `alembic_version` mlpack has tested
///   (``supportedAlembicVersions``); anything else is refused, never migrated.
/// - Every write is one IMMEDIATE transaction; a database another process keeps locked fails
///   after `busyTimeout` seconds with ``TrackingError/database(path:message:)``.
/// - The journal mode is left as it is (MLflow does not set WAL).
public struct LocalTrackingStore: TrackingStore {
    public let uri: String
    /// The absolute path of the SQLite file.
    public let databasePath: String
    /// Where new experiments keep their files: an absolute path (or a `file:` URI), no trailing `/`.
    public let artifactRoot: String
    /// Seconds a statement waits for another connection's lock before failing.
    public let busyTimeout: TimeInterval
    let queue: DatabaseQueue

    /// The `alembic_version` values this store reads and writes (MLflow 3.17.2's head).
    public static let supportedAlembicVersions = LocalSchema.supportedAlembicVersions
    /// The MLflow release whose schema new databases get.
    public static let mlflowVersion = LocalSchema.mlflowVersion
    /// The tracking URI MLflow uses when `MLFLOW_TRACKING_URI` is unset (relative to the current directory).
    public static let defaultTrackingURI = "sqlite:///mlflow.db"
    /// The artifact root MLflow uses for a local store (relative to the current directory).
    public static let defaultArtifactRoot = "./mlruns"

    /// Opens (or creates) the store at `databasePath`. Relative paths are resolved against
    /// `currentDirectory`; `artifactRoot` may be a path or a `file:` URI.
    public init(databasePath: String, artifactRoot: String, busyTimeout: TimeInterval = 10,
                currentDirectory: String = FileManager.default.currentDirectoryPath) throws {
        try self.init(databasePath: databasePath, artifactRoot: artifactRoot, uri: nil, busyTimeout: busyTimeout,
                      currentDirectory: currentDirectory)
    }

    init(databasePath: String, artifactRoot: String, uri: String?, busyTimeout: TimeInterval,
         currentDirectory: String) throws(TrackingError) {
        let path = LocalPaths.absolute(databasePath, against: currentDirectory)
        self.databasePath = path
        self.artifactRoot = LocalPaths.artifactRoot(artifactRoot, currentDirectory: currentDirectory)
        self.uri = uri ?? LocalPaths.trackingURI(forDatabasePath: path)
        self.busyTimeout = busyTimeout
        self.queue = try Self.openQueue(path: path, busyTimeout: busyTimeout)
        try prepare()
    }

    /// The store MLflow uses when `MLFLOW_TRACKING_URI` is unset: `mlflow.db` in the current
    /// directory, files under `./mlruns` (made absolute).
    public static func defaultStore(currentDirectory: String = FileManager.default.currentDirectoryPath,
                                    busyTimeout: TimeInterval = 10) throws -> LocalTrackingStore {
        try open(trackingURI: defaultTrackingURI, currentDirectory: currentDirectory, busyTimeout: busyTimeout)
    }

    /// The store of a `sqlite:///…` tracking URI (`sqlite:///relative.db`, `sqlite:////abs/mlflow.db`).
    /// MLflow keeps files under `./mlruns` of the current directory whatever the database path;
    /// pass `artifactRoot` to choose another place.
    public static func open(trackingURI: String, artifactRoot: String? = nil,
                            currentDirectory: String = FileManager.default.currentDirectoryPath,
                            busyTimeout: TimeInterval = 10) throws -> LocalTrackingStore {
        let path = try LocalPaths.databasePath(fromTrackingURI: trackingURI, currentDirectory: currentDirectory)
        let printable = trackingURI == defaultTrackingURI ? LocalPaths.trackingURI(forDatabasePath: path) : trackingURI
        return try LocalTrackingStore(databasePath: path, artifactRoot: artifactRoot ?? defaultArtifactRoot, uri: printable,
                                      busyTimeout: busyTimeout, currentDirectory: currentDirectory)
    }

    /// Whether `uri` names a local SQLite store (`sqlite:`).
    public static func isLocalTrackingURI(_ uri: String) -> Bool { uri.hasPrefix("sqlite:") }

    /// The database path a `sqlite:///…` URI names, as SQLAlchemy reads it.
    public static func databasePath(fromTrackingURI uri: String,
                                    currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> String {
        try LocalPaths.databasePath(fromTrackingURI: uri, currentDirectory: currentDirectory)
    }

    // MARK: Opening

    private static func openQueue(path: String, busyTimeout: TimeInterval) throws(TrackingError) -> DatabaseQueue {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .database(path: path, message: "cannot create the database's directory \(directory): \(error.localizedDescription)")
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.label = "mlpack.local-tracking-store"
        do {
            return try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw databaseError(error, path: path, doing: "open", timeout: busyTimeout)
        }
    }

    /// The tables a model log touches; a database claiming the supported head without them is damaged.
    static let requiredTables = [
        "experiments", "runs", "tags", "params", "logged_models", "logged_model_params", "logged_model_tags",
        "inputs", "registered_models", "model_versions", "registered_model_aliases", "workspaces",
    ]

    private struct OpenState: Sendable {
        var isEmpty: Bool
        var hasDefaultExperiment: Bool
    }

    private func inspect(_ db: Database) throws -> OpenState {
        let tables = Set(try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"))
        if tables.isEmpty { return OpenState(isEmpty: true, hasDefaultExperiment: false) }
        guard tables.contains("alembic_version") else {
            throw TrackingError.database(
                path: databasePath,
                message: "has tables but no alembic_version: not an MLflow tracking database (expected MLflow \(LocalSchema.mlflowVersion)'s schema, or an empty file)")
        }
        let versions = try String.fetchAll(db, sql: "SELECT version_num FROM alembic_version")
        guard versions == LocalSchema.supportedAlembicVersions else {
            throw TrackingError.unsupportedDatabaseVersion(
                path: databasePath, found: versions.isEmpty ? "(none)" : versions.joined(separator: ", "),
                supported: LocalSchema.supportedAlembicVersions)
        }
        let missing = Self.requiredTables.filter { !tables.contains($0) }
        guard missing.isEmpty else {
            throw TrackingError.database(
                path: databasePath,
                message: "alembic_version is \(versions[0]) but the table(s) \(missing.joined(separator: ", ")) are missing: the database is damaged")
        }
        // MLflow refuses, in single-tenant mode, a database with experiments in other workspaces.
        let foreign = try Int.fetchOne(
            db, sql: "SELECT count(*) FROM experiments WHERE workspace IS NOT NULL AND workspace != ?",
            arguments: [LocalSchema.defaultWorkspace]) ?? 0
        if foreign > 0 {
            throw TrackingError.database(
                path: databasePath,
                message: "\(foreign) experiment(s) belong to workspaces other than 'default' (a multi-workspace MLflow store); mlpack reads single-tenant stores only — use the MLflow server (MLFLOW_TRACKING_URI=http://…)")
        }
        let hasDefault = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM experiments WHERE experiment_id = 0)") ?? false
        return OpenState(isEmpty: false, hasDefaultExperiment: hasDefault)
    }

    /// Checks the schema version; creates the schema (new database) and experiment 0 (as MLflow
    /// does when it is missing).
    private func prepare() throws(TrackingError) {
        do {
            let state = try queue.read { db in try inspect(db) }
            if !state.isEmpty && state.hasDefaultExperiment { return }
            let schema = try LocalSchema.schemaSQL()
            try queue.write { db in
                // Another process may have created it while this one waited for the lock.
                let now = try inspect(db)
                if now.isEmpty { try db.execute(sql: schema) }
                if !now.hasDefaultExperiment { try insertDefaultExperiment(db) }
            }
            _ = try queue.read { db in try inspect(db) }
        } catch {
            throw Self.databaseError(error, path: databasePath, doing: "open", timeout: busyTimeout)
        }
    }

    /// Experiment 0 "Default", as `SqlAlchemyStore._create_default_experiment` inserts it.
    private func insertDefaultExperiment(_ db: Database) throws {
        let now = TrackingIDs.nowMS()
        try db.execute(
            sql: """
                INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace)
                VALUES (0, 'Default', ?, 'active', ?, ?, ?) ON CONFLICT DO NOTHING
                """,
            arguments: [LocalPaths.join(artifactRoot, "0"), now, now, LocalSchema.defaultWorkspace])
    }

    // MARK: Database access

    static func databaseError(_ error: any Error, path: String, doing: String, timeout: TimeInterval) -> TrackingError {
        if let e = error as? TrackingError { return e }
        if let e = error as? DatabaseError {
            let detail = e.message ?? "\(e.resultCode)"
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return .database(
                    path: path,
                    message: "\(doing): the database is locked by another connection (waited \(formatSeconds(timeout)) s): another process (mlflow server/ui, a Python run, mlpack) is holding a write lock; retry when it is done")
            case .SQLITE_NOTADB:
                return .database(path: path, message: "\(doing): not an SQLite database (expected an MLflow tracking store): \(detail)")
            case .SQLITE_READONLY:
                return .database(path: path, message: "\(doing): the database is read-only (mlpack needs to write to it): \(detail)")
            case .SQLITE_CANTOPEN:
                return .database(path: path, message: "\(doing): cannot open the database file (check that its directory exists and is writable): \(detail)")
            case .SQLITE_CORRUPT:
                return .database(path: path, message: "\(doing): the database is damaged: \(detail)")
            default:
                return .database(path: path, message: "\(doing): SQLite error \(e.resultCode.rawValue): \(detail)")
            }
        }
        if error is RowDecodingError {
            return .database(path: path, message: "\(doing): a row does not hold what MLflow's schema says: \(error)")
        }
        return .database(path: path, message: "\(doing): \(error)")
    }

    private static func formatSeconds(_ t: TimeInterval) -> String {
        t == t.rounded() ? String(Int(t)) : String(format: "%.1f", t)
    }

    func read<T: Sendable>(_ doing: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await queue.read(body)
        } catch {
            throw Self.databaseError(error, path: databasePath, doing: doing, timeout: busyTimeout)
        }
    }

    /// One IMMEDIATE transaction (GRDB's default for a writable connection).
    func write<T: Sendable>(_ doing: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await queue.write(body)
        } catch {
            throw Self.databaseError(error, path: databasePath, doing: doing, timeout: busyTimeout)
        }
    }

    // MARK: Experiments

    static let experimentColumns = "experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time"

    static func experiment(from row: Row) throws -> Experiment {
        let id: Int64 = try row.decode(forColumn: "experiment_id")
        return Experiment(
            id: String(id), name: try row.decode(forColumn: "name"),
            artifactLocation: try row.decode(String?.self, forColumn: "artifact_location") ?? "",
            lifecycleStage: try row.decode(String?.self, forColumn: "lifecycle_stage") ?? "active",
            creationTime: try row.decode(forColumn: "creation_time"),
            lastUpdateTime: try row.decode(forColumn: "last_update_time"))
    }

    func fetchExperiment(_ db: Database, name: String) throws -> Experiment? {
        try Row.fetchOne(
            db, sql: "SELECT \(Self.experimentColumns) FROM experiments WHERE workspace = ? AND name = ?",
            arguments: [LocalSchema.defaultWorkspace, name]
        ).map(Self.experiment(from:))
    }

    func fetchExperiment(_ db: Database, id: String) throws -> Experiment {
        guard let n = Int64(id) else {
            throw TrackingError.notFound(what: "experiment id \(id)", detail: "experiment ids are integers, in \(databasePath)")
        }
        guard let row = try Row.fetchOne(
            db, sql: "SELECT \(Self.experimentColumns) FROM experiments WHERE workspace = ? AND experiment_id = ?",
            arguments: [LocalSchema.defaultWorkspace, n])
        else {
            throw TrackingError.notFound(what: "experiment id \(id)", detail: "no such experiment in \(databasePath)")
        }
        return try Self.experiment(from: row)
    }

    /// The experiment, refusing a deleted one (MLflow logs only into active experiments).
    func activeExperiment(_ db: Database, id: String) throws -> Experiment {
        let e = try fetchExperiment(db, id: id)
        if e.isDeleted { throw TrackingError.deletedExperiment(name: e.name, id: e.id) }
        return e
    }

    public func experiment(named name: String) async throws -> Experiment? {
        try await read("get experiment \"\(name)\"") { db in try fetchExperiment(db, name: name) }
    }

    public func experiment(id: String) async throws -> Experiment {
        try await read("get experiment \(id)") { db in try fetchExperiment(db, id: id) }
    }

    public func createExperiment(named name: String) async throws -> Experiment {
        try LocalValidation.checkExperimentName(name)
        return try await write("create experiment \"\(name)\"") { db in
            // Names are unique per workspace: one made meanwhile (another process) is returned as is.
            if let existing = try fetchExperiment(db, name: name) { return existing }
            let now = TrackingIDs.nowMS()
            do {
                try db.execute(
                    sql: """
                        INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time, workspace)
                        VALUES (?, NULL, 'active', ?, ?, ?)
                        """,
                    arguments: [name, now, now, LocalSchema.defaultWorkspace])
            } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                if let existing = try fetchExperiment(db, name: name) { return existing }
                throw e
            }
            let id = db.lastInsertedRowID
            try db.execute(
                sql: "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
                arguments: [LocalPaths.join(artifactRoot, String(id)), id])
            return try fetchExperiment(db, id: String(id))
        }
    }

    public func experiments() async throws -> [Experiment] {
        try await read("list experiments") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.experimentColumns) FROM experiments
                    WHERE workspace = ? AND lifecycle_stage = 'active' ORDER BY creation_time, experiment_id
                    """,
                arguments: [LocalSchema.defaultWorkspace]
            ).map(Self.experiment(from:))
        }
    }

    // MARK: Runs

    static let runNameTag = "mlflow.runName"

    static func run(from row: Row, path: String) throws -> Run {
        let statusText: String = try row.decode(String?.self, forColumn: "status") ?? "RUNNING"
        guard let status = RunStatus(rawValue: statusText) else {
            throw TrackingError.database(path: path, message: "run \(try row.decode(String.self, forColumn: "run_uuid")) has the unknown status \"\(statusText)\"")
        }
        let experimentID: Int64 = try row.decode(forColumn: "experiment_id")
        return Run(
            id: try row.decode(forColumn: "run_uuid"), experimentID: String(experimentID),
            name: try row.decode(String?.self, forColumn: "name") ?? "", status: status,
            artifactURI: try row.decode(String?.self, forColumn: "artifact_uri") ?? "",
            startTime: try row.decode(forColumn: "start_time"), endTime: try row.decode(forColumn: "end_time"),
            lifecycleStage: try row.decode(String?.self, forColumn: "lifecycle_stage") ?? "active",
            userID: try row.decode(String?.self, forColumn: "user_id") ?? "")
    }

    func fetchRun(_ db: Database, id: String) throws -> Run {
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT run_uuid, experiment_id, name, status, artifact_uri, start_time, end_time, lifecycle_stage, user_id
                FROM runs WHERE run_uuid = ?
                """,
            arguments: [id])
        else {
            throw TrackingError.notFound(what: "run \(id)", detail: "no such run in \(databasePath)")
        }
        return try Self.run(from: row, path: databasePath)
    }

    /// The run, refusing a deleted one (MLflow writes only to active runs).
    func activeRun(_ db: Database, id: String) throws -> Run {
        let run = try fetchRun(db, id: id)
        if run.lifecycleStage != "active" {
            throw TrackingError.invalidArgument(key: "run_id", message: "run \(id) is \(run.lifecycleStage) (MLflow writes only to active runs), in \(databasePath)")
        }
        return run
    }

    public func createRun(experimentID: String, name: String, userID: String, startTime: Int64,
                          tags: [(String, String)]) async throws -> Run {
        for (k, v) in tags { try LocalValidation.checkTag(k, v) }
        let tagged = Self.lastValues(tags)
        let nameTag = tagged.first { $0.0 == Self.runNameTag }?.1
        if !name.isEmpty, let nameTag, nameTag != name {
            throw TrackingError.invalidArgument(
                key: Self.runNameTag,
                message: "the run name \"\(name)\" and the tag mlflow.runName=\"\(nameTag)\" differ; give one or make them equal")
        }
        let runName = !name.isEmpty ? name : (nameTag ?? LocalRunNames.random())
        var allTags = tagged
        if nameTag == nil { allTags.append((Self.runNameTag, runName)) }
        let finalTags = allTags
        return try await write("create run in experiment \(experimentID)") { db in
            let experiment = try activeExperiment(db, id: experimentID)
            let runID = TrackingIDs.newRunID()
            try db.execute(
                sql: """
                    INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status,
                                      start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time)
                    VALUES (?, ?, 'UNKNOWN', '', '', ?, 'RUNNING', ?, NULL, '', 'active', ?, ?, NULL)
                    """,
                arguments: [runID, runName, userID, startTime,
                            LocalPaths.join(experiment.artifactLocation, runID, "artifacts"), Int64(experiment.id)])
            for (k, v) in finalTags {
                try db.execute(sql: "INSERT INTO tags (\"key\", value, run_uuid) VALUES (?, ?, ?)", arguments: [k, v, runID])
            }
            return try fetchRun(db, id: runID)
        }
    }

    public func run(id: String) async throws -> Run {
        try await read("get run \(id)") { db in try fetchRun(db, id: id) }
    }

    public func logBatch(runID: String, params: [(String, String)], tags: [(String, String)]) async throws {
        if params.count > LocalValidation.maxParamsTagsPerBatch || tags.count > LocalValidation.maxParamsTagsPerBatch {
            throw TrackingError.invalidArgument(
                key: "log-batch",
                message: "\(params.count) params and \(tags.count) tags in one batch; MLflow takes at most \(LocalValidation.maxParamsTagsPerBatch) of each")
        }
        for (k, v) in params { try LocalValidation.checkParam(k, v) }
        for (k, v) in tags { try LocalValidation.checkTag(k, v) }
        var seen = Set<String>()
        for (k, _) in params where !seen.insert(k).inserted {
            throw TrackingError.invalidArgument(key: k, message: "the param key is given twice in one batch (MLflow refuses duplicate param keys)")
        }
        let tagList = Self.lastValues(tags)
        try await write("log params and tags to run \(runID)") { db in
            _ = try activeRun(db, id: runID)
            for (k, v) in params {
                let existing = try String.fetchOne(
                    db, sql: "SELECT value FROM params WHERE run_uuid = ? AND \"key\" = ?", arguments: [runID, k])
                if let existing {
                    if existing != v {
                        throw TrackingError.invalidArgument(
                            key: k,
                            message: "run \(runID) already has this param with the value \"\(existing)\"; MLflow params are written once (new value \"\(v)\")")
                    }
                    continue
                }
                try db.execute(sql: "INSERT INTO params (\"key\", value, run_uuid) VALUES (?, ?, ?)", arguments: [k, v, runID])
            }
            for (k, v) in tagList {
                try db.execute(
                    sql: """
                        INSERT INTO tags ("key", value, run_uuid) VALUES (?, ?, ?)
                        ON CONFLICT ("key", run_uuid) DO UPDATE SET value = excluded.value
                        """,
                    arguments: [k, v, runID])
                if k == Self.runNameTag {
                    try db.execute(sql: "UPDATE runs SET name = ? WHERE run_uuid = ?", arguments: [v, runID])
                }
            }
        }
    }

    public func updateRun(id: String, status: RunStatus, endTime: Int64) async throws {
        try await write("update run \(id)") { db in
            _ = try activeRun(db, id: id)
            try db.execute(sql: "UPDATE runs SET status = ?, end_time = ? WHERE run_uuid = ?",
                           arguments: [status.rawValue, endTime, id])
        }
    }

    /// Pairs with later duplicates of a key replacing earlier ones, in first-seen order.
    static func lastValues(_ pairs: [(String, String)]) -> [(String, String)] {
        var order: [String] = []
        var values: [String: String] = [:]
        for (k, v) in pairs {
            if values[k] == nil { order.append(k) }
            values[k] = v
        }
        return order.map { ($0, values[$0]!) }
    }

    // MARK: Files

    public func artifacts(at artifactURI: String) throws -> any ArtifactRepository {
        try LocalArtifactRepository(uri: artifactURI)
    }
}

/// Names for runs created without one (MLflow's are `<adjective>-<noun>-<number>`, at most 20 characters).
enum LocalRunNames {
    static let adjectives = [
        "amber", "brave", "bright", "calm", "clever", "crisp", "eager", "gentle", "golden", "honest",
        "keen", "lucky", "merry", "nimble", "quiet", "rapid", "silver", "steady", "swift", "witty",
    ]
    static let nouns = [
        "badger", "crane", "falcon", "fern", "finch", "fox", "heron", "lark", "lynx", "maple",
        "otter", "owl", "panda", "pine", "raven", "robin", "seal", "trout", "wolf", "wren",
    ]

    static func random() -> String {
        let name = "\(adjectives.randomElement()!)-\(nouns.randomElement()!)-\(Int.random(in: 0..<1000))"
        return String(name.prefix(20))
    }
}
