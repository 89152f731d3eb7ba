import Foundation
import GRDB

// Logged models (`logged_models`, `logged_model_params`, `logged_model_tags`, `inputs`) and the
// model registry (`registered_models`, `model_versions`, `registered_model_aliases`).
extension LocalTrackingStore {
    // MARK: Logged models

    static let loggedModelColumns = """
        model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms,
        status, lifecycle_stage, model_type, source_run_id
        """

    /// The tag MLflow puts on a logged model listing the registry versions made from it.
    static let modelVersionsTag = "mlflow.modelVersions"

    func loggedModel(from row: Row, _ db: Database) throws -> LoggedModel {
        let id: String = try row.decode(forColumn: "model_id")
        let statusValue: Int = try row.decode(forColumn: "status")
        // 0 is MLflow's UNSPECIFIED (never written by the SQL store): not finalised, like PENDING.
        guard let status = statusValue == 0 ? .pending : LoggedModelStatus(sqlValue: statusValue) else {
            throw TrackingError.database(path: databasePath, message: "logged model \(id) has the unknown status \(statusValue) (expected 1, 2 or 3)")
        }
        let experimentID: Int64 = try row.decode(forColumn: "experiment_id")
        var tags: [String: String] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT tag_key, tag_value FROM logged_model_tags WHERE model_id = ?", arguments: [id]) {
            tags[try r.decode(forColumn: "tag_key")] = try r.decode(forColumn: "tag_value")
        }
        var params: [String: String] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT param_key, param_value FROM logged_model_params WHERE model_id = ?", arguments: [id]) {
            params[try r.decode(forColumn: "param_key")] = try r.decode(forColumn: "param_value")
        }
        return LoggedModel(
            id: id, experimentID: String(experimentID), name: try row.decode(forColumn: "name"),
            artifactLocation: try row.decode(forColumn: "artifact_location"), status: status,
            sourceRunID: try row.decode(String?.self, forColumn: "source_run_id"),
            creationTimestampMS: try row.decode(forColumn: "creation_timestamp_ms"),
            lastUpdatedTimestampMS: try row.decode(forColumn: "last_updated_timestamp_ms"),
            modelType: try row.decode(String?.self, forColumn: "model_type"), tags: tags, params: params)
    }

    /// A logged model; deleted ones only when `includeDeleted` (as `get_logged_model` hides them).
    func fetchLoggedModel(_ db: Database, id: String, includeDeleted: Bool = false) throws -> LoggedModel {
        let filter = includeDeleted ? "" : " AND lifecycle_stage IS NOT 'deleted'"
        guard let row = try Row.fetchOne(
            db, sql: "SELECT \(Self.loggedModelColumns) FROM logged_models WHERE model_id = ?\(filter)", arguments: [id])
        else {
            throw TrackingError.notFound(what: "logged model \(id)", detail: "no such logged model in \(databasePath)")
        }
        return try loggedModel(from: row, db)
    }

    public func createLoggedModel(experimentID: String, name: String, sourceRunID: String?, params: [(String, String)],
                                  tags: [(String, String)]) async throws -> LoggedModel {
        try TrackingIDs.checkModelName(name)
        for (k, _) in params + tags where k.isEmpty {
            throw TrackingError.invalidArgument(key: k, message: "logged model param and tag keys must not be empty")
        }
        let paramList = Self.lastValues(params), tagList = Self.lastValues(tags)
        let runID = sourceRunID.flatMap { $0.isEmpty ? nil : $0 }
        return try await write("create logged model \"\(name)\" in experiment \(experimentID)") { db in
            let experiment = try activeExperiment(db, id: experimentID)
            if let runID { _ = try fetchRun(db, id: runID) }
            let id = TrackingIDs.newModelID()
            let now = TrackingIDs.nowMS()
            let exp = Int64(experiment.id)
            try db.execute(
                sql: """
                    INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms,
                                               last_updated_timestamp_ms, status, lifecycle_stage, model_type, source_run_id, status_message)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, NULL)
                    """,
                arguments: [id, exp, name, LocalPaths.join(experiment.artifactLocation, "models", id, "artifacts"), now, now,
                            LoggedModelStatus.pending.sqlValue, runID])
            for (k, v) in paramList {
                try db.execute(
                    sql: "INSERT INTO logged_model_params (model_id, experiment_id, param_key, param_value) VALUES (?, ?, ?, ?)",
                    arguments: [id, exp, k, v])
            }
            for (k, v) in tagList {
                try db.execute(
                    sql: "INSERT INTO logged_model_tags (model_id, experiment_id, tag_key, tag_value) VALUES (?, ?, ?, ?)",
                    arguments: [id, exp, k, v])
            }
            return try fetchLoggedModel(db, id: id)
        }
    }

    public func logOutputs(runID: String, modelID: String) async throws {
        try await write("log model \(modelID) as an output of run \(runID)") { db in
            _ = try activeRun(db, id: runID)
            _ = try fetchLoggedModel(db, id: modelID)
            let exists = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM inputs WHERE source_type = 'RUN_OUTPUT' AND source_id = ?
                                   AND destination_type = 'MODEL_OUTPUT' AND destination_id = ?)
                    """,
                arguments: [runID, modelID]) ?? false
            if exists { return }
            try db.execute(
                sql: """
                    INSERT INTO inputs (input_uuid, source_type, source_id, destination_type, destination_id, step)
                    VALUES (?, 'RUN_OUTPUT', ?, 'MODEL_OUTPUT', ?, 0)
                    """,
                arguments: [TrackingIDs.newRunID(), runID, modelID])
        }
    }

    public func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel {
        try await write("finalize logged model \(id)") { db in
            try db.execute(
                sql: "UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? WHERE model_id = ?",
                arguments: [status.sqlValue, TrackingIDs.nowMS(), id])
            if db.changesCount == 0 {
                throw TrackingError.notFound(what: "logged model \(id)", detail: "no such logged model in \(databasePath)")
            }
            return try fetchLoggedModel(db, id: id, includeDeleted: true)
        }
    }

    public func loggedModel(id: String) async throws -> LoggedModel {
        try await read("get logged model \(id)") { db in try fetchLoggedModel(db, id: id) }
    }

    public func searchLoggedModels(experimentIDs: [String]) async throws -> [LoggedModel] {
        var ids: [Int64] = []
        for id in experimentIDs {
            guard let n = Int64(id) else {
                throw TrackingError.invalidArgument(key: "experiment_ids", message: "experiment ids are integers, not \"\(id)\"")
            }
            ids.append(n)
        }
        let experimentFilter = ids.isEmpty
            ? "m.experiment_id IN (SELECT experiment_id FROM experiments WHERE workspace = ? AND lifecycle_stage = 'active')"
            : "m.experiment_id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))"
        let arguments: StatementArguments = ids.isEmpty ? [LocalSchema.defaultWorkspace] : StatementArguments(ids)
        let what = ids.isEmpty ? "all experiments" : "experiment(s) \(experimentIDs.joined(separator: ", "))"
        return try await read("search logged models of \(what)") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.loggedModelColumns) FROM logged_models m
                    WHERE m.lifecycle_stage IS NOT 'deleted' AND \(experimentFilter)
                    ORDER BY m.creation_timestamp_ms DESC, m.model_id ASC
                    """,
                arguments: arguments
            ).map { try loggedModel(from: $0, db) }
        }
    }

    // MARK: Registry

    static let deletedStage = "Deleted_Internal"

    func requireRegisteredModel(_ db: Database, name: String) throws {
        let exists = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM registered_models WHERE workspace = ? AND name = ?)",
            arguments: [LocalSchema.defaultWorkspace, name]) ?? false
        if !exists {
            throw TrackingError.notFound(what: "registered model \"\(name)\"", detail: "no such registered model in \(databasePath)")
        }
    }

    /// The logged model id a `models:/<id>` source names (MLflow reads any single segment as one).
    static func modelID(inSource source: String) -> String? {
        guard source.hasPrefix("models:/"), !source.hasPrefix("models://") else { return nil }
        let path = source.dropFirst("models:/".count)
        guard !path.isEmpty, !path.contains("/"), !path.contains("@") else { return nil }
        return String(path)
    }

    func modelVersion(from row: Row, _ db: Database) throws -> ModelVersion {
        let name: String = try row.decode(forColumn: "name")
        let version: Int64 = try row.decode(forColumn: "version")
        let source: String = try row.decode(String?.self, forColumn: "source") ?? ""
        let aliases = try String.fetchAll(
            db, sql: "SELECT alias FROM registered_model_aliases WHERE workspace = ? AND name = ? AND version = ? ORDER BY alias",
            arguments: [LocalSchema.defaultWorkspace, name, version])
        return ModelVersion(
            name: name, version: String(version), source: source, runID: try row.decode(String?.self, forColumn: "run_id"),
            modelID: Self.modelID(inSource: source), storageLocation: try row.decode(String?.self, forColumn: "storage_location"),
            aliases: aliases)
    }

    func fetchModelVersion(_ db: Database, name: String, version: Int64) throws -> ModelVersion {
        try requireRegisteredModel(db, name: name)
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT name, version, source, run_id, storage_location FROM model_versions
                WHERE workspace = ? AND name = ? AND version = ? AND current_stage IS NOT ?
                """,
            arguments: [LocalSchema.defaultWorkspace, name, version, Self.deletedStage])
        else {
            throw TrackingError.notFound(what: "model version \(name)/\(version)", detail: "registered model \"\(name)\" has no version \(version) in \(databasePath)")
        }
        return try modelVersion(from: row, db)
    }

    func fetchLatestVersion(_ db: Database, name: String) throws -> ModelVersion {
        try requireRegisteredModel(db, name: name)
        guard let row = try Row.fetchOne(
            db,
            sql: """
                SELECT name, version, source, run_id, storage_location FROM model_versions
                WHERE workspace = ? AND name = ? AND current_stage IS NOT ? ORDER BY version DESC LIMIT 1
                """,
            arguments: [LocalSchema.defaultWorkspace, name, Self.deletedStage])
        else {
            throw TrackingError.notFound(what: "latest version of \"\(name)\"", detail: "registered model \"\(name)\" has no versions in \(databasePath)")
        }
        return try modelVersion(from: row, db)
    }

    public func createRegisteredModel(name: String) async throws {
        try LocalValidation.checkRegisteredModelName(name)
        try await write("create registered model \"\(name)\"") { db in
            let now = TrackingIDs.nowMS()
            try db.execute(
                sql: """
                    INSERT INTO registered_models (name, creation_time, last_updated_time, description, workspace)
                    VALUES (?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING
                    """,
                arguments: [name, now, now, LocalSchema.defaultWorkspace])
        }
    }

    /// As MLflow's registry store and `model-versions/create` handler: a `models:/m-…` source
    /// stores the logged model's artifact location as `storage_location` and its source run as
    /// `run_id` (unless given), and the logged model gets the tag `mlflow.modelVersions`
    /// (`[{"name": …, "version": n}, …]`).
    public func createModelVersion(name: String, source: String, runID: String?, modelID: String?) async throws -> ModelVersion {
        try LocalValidation.checkRegisteredModelName(name)
        let sourceModelID = Self.modelID(inSource: source)
        let givenModelID = modelID.flatMap { $0.isEmpty ? nil : $0 }
        if let sourceModelID, let givenModelID, sourceModelID != givenModelID {
            throw TrackingError.invalidArgument(
                key: "model_id", message: "the source \(source) names the model \(sourceModelID), not \(givenModelID)")
        }
        var registrySource: (name: String, version: Int64)?
        if source.hasPrefix("models:"), sourceModelID == nil {
            let parts = source.dropFirst("models:/".count).split(separator: "/", omittingEmptySubsequences: false)
            guard source.hasPrefix("models:/"), !source.hasPrefix("models://"), parts.count == 2,
                  let v = try? LocalValidation.versionNumber(String(parts[1]))
            else {
                throw TrackingError.invalidArgument(
                    key: "source", message: "\(source): a models: source is models:/<model id> or models:/<name>/<version>")
            }
            registrySource = (String(parts[0]), v)
        }
        let sourceVersion = registrySource
        let effectiveModelID = givenModelID ?? sourceModelID
        let givenRunID = runID.flatMap { $0.isEmpty ? nil : $0 }
        return try await write("create a version of registered model \"\(name)\"") { db in
            try requireRegisteredModel(db, name: name)
            var storage = source
            var run = givenRunID
            if let sourceModelID {
                let model = try fetchLoggedModel(db, id: sourceModelID)
                storage = model.artifactLocation
                run = run ?? model.sourceRunID
            } else if let sourceVersion {
                let mv = try fetchModelVersion(db, name: sourceVersion.name, version: sourceVersion.version)
                storage = mv.storageLocation.flatMap { $0.isEmpty ? nil : $0 } ?? mv.source
            }
            if run == nil, let effectiveModelID {
                run = try fetchLoggedModel(db, id: effectiveModelID).sourceRunID
            }
            let now = TrackingIDs.nowMS()
            let version = (try Int64.fetchOne(
                db, sql: "SELECT max(version) FROM model_versions WHERE workspace = ? AND name = ?",
                arguments: [LocalSchema.defaultWorkspace, name]) ?? 0) + 1
            try db.execute(
                sql: "UPDATE registered_models SET last_updated_time = ? WHERE workspace = ? AND name = ?",
                arguments: [now, LocalSchema.defaultWorkspace, name])
            try db.execute(
                sql: """
                    INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage,
                                                source, run_id, status, status_message, run_link, storage_location, workspace)
                    VALUES (?, ?, ?, ?, NULL, NULL, 'None', ?, ?, 'READY', NULL, NULL, ?, ?)
                    """,
                arguments: [name, version, now, now, source, run, storage, LocalSchema.defaultWorkspace])
            if let effectiveModelID {
                try tagModelVersion(db, modelID: effectiveModelID, name: name, version: version)
            }
            var created = try fetchModelVersion(db, name: name, version: version)
            created.modelID = effectiveModelID
            return created
        }
    }

    /// Adds `{"name": name, "version": version}` to the model's `mlflow.modelVersions` tag (once).
    private func tagModelVersion(_ db: Database, modelID: String, name: String, version: Int64) throws {
        let model = try fetchLoggedModel(db, id: modelID)
        var entries: [[(String, LocalPythonJSON.Value)]] = []
        if let existing = model.tags[Self.modelVersionsTag],
           let list = try? JSONSerialization.jsonObject(with: Data(existing.utf8)) as? [[String: Any]] {
            entries = list.map(LocalPythonJSON.orderedEntry)
        }
        let already = entries.contains { entry in
            entry.contains { $0.0 == "name" && $0.1 == .string(name) } && entry.contains { $0.0 == "version" && $0.1 == .int(version) }
        }
        if !already { entries.append([("name", .string(name)), ("version", .int(version))]) }
        let exp: Int64 = Int64(model.experimentID) ?? 0
        try db.execute(
            sql: """
                INSERT INTO logged_model_tags (model_id, experiment_id, tag_key, tag_value) VALUES (?, ?, ?, ?)
                ON CONFLICT (model_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                """,
            arguments: [modelID, exp, Self.modelVersionsTag, LocalPythonJSON.dumps(entries)])
    }

    public func setAlias(name: String, alias: String, version: String) async throws {
        try LocalValidation.checkRegisteredModelName(name)
        try LocalValidation.checkAlias(alias)
        let number = try LocalValidation.versionNumber(version)
        try await write("set alias \(alias) of \"\(name)\" to version \(version)") { db in
            _ = try fetchModelVersion(db, name: name, version: number)
            try db.execute(
                sql: """
                    INSERT INTO registered_model_aliases (alias, version, name, workspace) VALUES (?, ?, ?, ?)
                    ON CONFLICT (workspace, name, alias) DO UPDATE SET version = excluded.version
                    """,
                arguments: [alias, number, name, LocalSchema.defaultWorkspace])
        }
    }

    public func modelVersion(name: String, version: String) async throws -> ModelVersion {
        let number = try LocalValidation.versionNumber(version)
        return try await read("get version \(version) of \"\(name)\"") { db in
            try fetchModelVersion(db, name: name, version: number)
        }
    }

    public func modelVersion(name: String, alias: String) async throws -> ModelVersion {
        try await read("get alias \(alias) of \"\(name)\"") { db in
            if alias.lowercased() == "latest" { return try fetchLatestVersion(db, name: name) }
            try requireRegisteredModel(db, name: name)
            guard let version = try Int64.fetchOne(
                db, sql: "SELECT version FROM registered_model_aliases WHERE workspace = ? AND name = ? AND alias = ?",
                arguments: [LocalSchema.defaultWorkspace, name, alias])
            else {
                throw TrackingError.notFound(what: "alias \(alias) of \"\(name)\"", detail: "registered model \"\(name)\" has no alias \(alias) in \(databasePath)")
            }
            return try fetchModelVersion(db, name: name, version: version)
        }
    }

    public func latestVersion(name: String) async throws -> ModelVersion {
        try await read("get the latest version of \"\(name)\"") { db in try fetchLatestVersion(db, name: name) }
    }

    public func downloadURI(name: String, version: String) async throws -> String {
        let mv = try await modelVersion(name: name, version: version)
        if let location = mv.storageLocation, !location.isEmpty { return location }
        return mv.source
    }
}

/// Just enough of Python's `json.dumps` (default separators, `ensure_ascii`) to write tag values
/// byte for byte as MLflow does.
enum LocalPythonJSON {
    enum Value: Equatable {
        case string(String), int(Int64), double(Double), bool(Bool), null
        case raw(String)
    }

    static func orderedEntry(_ dict: [String: Any]) -> [(String, Value)] {
        let keys = dict.keys.sorted { a, b in
            let rank = ["name": 0, "version": 1]
            return (rank[a] ?? 2, a) < (rank[b] ?? 2, b)
        }
        return keys.map { ($0, value(dict[$0]!)) }
    }

    static func value(_ any: Any) -> Value {
        switch any {
        case let s as String: return .string(s)
        case is NSNull: return .null
        case let n as NSNumber:
            switch String(cString: n.objCType) {
            case "c", "B": return .bool(n.boolValue)
            case "f", "d": return .double(n.doubleValue)
            default: return .int(n.int64Value)
            }
        default:
            if let data = try? JSONSerialization.data(withJSONObject: any), let s = String(data: data, encoding: .utf8) {
                return .raw(s)
            }
            return .null
        }
    }

    static func dumps(_ list: [[(String, Value)]]) -> String {
        "[" + list.map { entry in
            "{" + entry.map { "\(string($0.0)): \(encode($0.1))" }.joined(separator: ", ") + "}"
        }.joined(separator: ", ") + "]"
    }

    static func encode(_ v: Value) -> String {
        switch v {
        case .string(let s): return string(s)
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .raw(let s): return s
        }
    }

    static func string(_ s: String) -> String {
        var out = "\""
        for unit in s.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default: out += String(format: "\\u%04x", unit)
            }
        }
        return out + "\""
    }
}
