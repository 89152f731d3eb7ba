import AsyncHTTPClient
import Foundation
import NIOHTTP1

/// An MLflow tracking server over its REST API (`/api/2.0/mlflow/…`), files through its artifact
/// proxy (`mlflow-artifacts:`), or directly when the server hands out local paths.
public final class RESTTrackingStore: TrackingStore {
    public let uri: String
    let client: RESTClient

    /// A store for `uri` (`http://` or `https://`), configured from MLflow's environment variables.
    public init(uri: String, configuration: RESTConfiguration) throws(TrackingError) {
        self.uri = uri
        client = try RESTClient(base: uri, configuration: configuration)
    }

    public func close() async { await client.shutdown() }

    // MARK: Experiments

    public func experiment(named name: String) async throws -> Experiment? {
        do {
            let answer = try await client.get("mlflow/experiments/get-by-name", query: [("experiment_name", name)])
            return try Wire.experiment(answer["experiment"], endpoint: "experiments/get-by-name")
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }

    public func experiment(id: String) async throws -> Experiment {
        try await Self.naming("experiment \(id)") { () async throws(TrackingError) in
            let answer = try await client.get("mlflow/experiments/get", query: [("experiment_id", id)])
            return try Wire.experiment(answer["experiment"], endpoint: "experiments/get")
        }
    }

    public func createExperiment(named name: String) async throws -> Experiment {
        let answer: [String: Any]
        do {
            answer = try await client.send(.POST, "mlflow/experiments/create", ["name": name])
        } catch {
            guard case .server(_, _, "RESOURCE_ALREADY_EXISTS", _) = error else { throw error }
            // Created by someone else meanwhile.
            guard let existing = try await experiment(named: name) else { throw TrackingError.notFound(what: "experiment \"\(name)\"", detail: "created concurrently, then gone") }
            return existing
        }
        guard let id = answer["experiment_id"] as? String else {
            throw TrackingError.invalidResponse(endpoint: "experiments/create", reason: "no experiment_id")
        }
        return try await experiment(id: id)
    }

    public func experiments() async throws -> [Experiment] {
        var result: [Experiment] = []
        var token: String?
        repeat {
            var body: [String: Any] = ["max_results": 1000, "view_type": "ACTIVE_ONLY"]
            if let token { body["page_token"] = token }
            let answer = try await client.send(.POST, "mlflow/experiments/search", body)
            for item in answer["experiments"] as? [Any] ?? [] {
                result.append(try Wire.experiment(item, endpoint: "experiments/search"))
            }
            token = (answer["next_page_token"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return result.sorted { (Int($0.id) ?? 0) < (Int($1.id) ?? 0) }
    }

    // MARK: Runs

    public func createRun(experimentID: String, name: String, userID: String, startTime: Int64, tags: [(String, String)]) async throws -> Run {
        let answer = try await client.send(.POST, "mlflow/runs/create", [
            "experiment_id": experimentID, "user_id": userID, "start_time": startTime, "run_name": name,
            "tags": tags.map { ["key": $0.0, "value": $0.1] },
        ])
        return try Wire.run(answer["run"], endpoint: "runs/create")
    }

    public func run(id: String) async throws -> Run {
        try await Self.naming("run \(id)") { () async throws(TrackingError) in
            let answer = try await client.get("mlflow/runs/get", query: [("run_id", id)])
            return try Wire.run(answer["run"], endpoint: "runs/get")
        }
    }

    public func logBatch(runID: String, params: [(String, String)], tags: [(String, String)]) async throws {
        // MLflow takes at most 100 params and 1000 entries per call.
        var params = params[...]
        var tags = tags[...]
        while !params.isEmpty || !tags.isEmpty {
            let p = params.prefix(100)
            params = params.dropFirst(p.count)
            let t = tags.prefix(1000 - p.count)
            tags = tags.dropFirst(t.count)
            _ = try await client.send(.POST, "mlflow/runs/log-batch", [
                "run_id": runID,
                "params": p.map { ["key": $0.0, "value": $0.1] },
                "tags": t.map { ["key": $0.0, "value": $0.1] },
            ])
        }
    }

    public func updateRun(id: String, status: RunStatus, endTime: Int64) async throws {
        _ = try await client.send(.POST, "mlflow/runs/update", ["run_id": id, "status": status.rawValue, "end_time": endTime])
    }

    // MARK: Logged models

    public func createLoggedModel(experimentID: String, name: String, sourceRunID: String?, params: [(String, String)], tags: [(String, String)]) async throws -> LoggedModel {
        var body: [String: Any] = ["experiment_id": experimentID, "name": name]
        if let sourceRunID { body["source_run_id"] = sourceRunID }
        if !params.isEmpty { body["params"] = params.map { ["key": $0.0, "value": $0.1] } }
        if !tags.isEmpty { body["tags"] = tags.map { ["key": $0.0, "value": $0.1] } }
        let answer = try await client.send(.POST, "mlflow/logged-models", body)
        return try Wire.loggedModel(answer["model"], endpoint: "logged-models")
    }

    public func logOutputs(runID: String, modelID: String) async throws {
        _ = try await client.send(.POST, "mlflow/runs/outputs", ["run_id": runID, "models": [["model_id": modelID, "step": 0]]])
    }

    public func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel {
        let answer = try await client.send(.PATCH, "mlflow/logged-models/\(RESTClient.encodePath(id))", ["model_id": id, "status": status.rawValue])
        return try Wire.loggedModel(answer["model"], endpoint: "logged-models/\(id)")
    }

    public func loggedModel(id: String) async throws -> LoggedModel {
        try await Self.naming("models:/\(id)") { () async throws(TrackingError) in
            let answer = try await client.get("mlflow/logged-models/\(RESTClient.encodePath(id))")
            return try Wire.loggedModel(answer["model"], endpoint: "logged-models/\(id)")
        }
    }

    public func searchLoggedModels(experimentIDs: [String]) async throws -> [LoggedModel] {
        let ids = experimentIDs.isEmpty ? try await experiments().map(\.id) : experimentIDs
        var result: [LoggedModel] = []
        var token: String?
        repeat {
            var body: [String: Any] = ["experiment_ids": ids, "max_results": 100,
                                       "order_by": [["field_name": "creation_timestamp", "ascending": false]]]
            if let token { body["page_token"] = token }
            let answer = try await client.send(.POST, "mlflow/logged-models/search", body)
            for item in answer["models"] as? [Any] ?? [] {
                result.append(try Wire.loggedModel(item, endpoint: "logged-models/search"))
            }
            token = (answer["next_page_token"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return result
    }

    // MARK: Registry

    public func createRegisteredModel(name: String) async throws {
        do {
            _ = try await client.send(.POST, "mlflow/registered-models/create", ["name": name])
        } catch {
            guard case .server(_, _, "RESOURCE_ALREADY_EXISTS", _) = error else { throw error }
        }
    }

    public func createModelVersion(name: String, source: String, runID: String?, modelID: String?) async throws -> ModelVersion {
        var body: [String: Any] = ["name": name, "source": source]
        if let runID { body["run_id"] = runID }
        if let modelID { body["model_id"] = modelID }
        let answer = try await client.send(.POST, "mlflow/model-versions/create", body)
        return try Wire.modelVersion(answer["model_version"], endpoint: "model-versions/create")
    }

    public func setAlias(name: String, alias: String, version: String) async throws {
        _ = try await client.send(.POST, "mlflow/registered-models/alias", ["name": name, "alias": alias, "version": version])
    }

    public func modelVersion(name: String, version: String) async throws -> ModelVersion {
        try await Self.naming("models:/\(name)/\(version)") { () async throws(TrackingError) in
            let answer = try await client.get("mlflow/model-versions/get", query: [("name", name), ("version", version)])
            return try Wire.modelVersion(answer["model_version"], endpoint: "model-versions/get")
        }
    }

    public func modelVersion(name: String, alias: String) async throws -> ModelVersion {
        let uri = "models:/\(name)@\(alias)"
        return try await Self.naming(uri) { () async throws(TrackingError) in
            do throws(TrackingError) {
                let answer = try await client.get("mlflow/registered-models/alias", query: [("name", name), ("alias", alias)])
                return try Wire.modelVersion(answer["model_version"], endpoint: "registered-models/alias")
            } catch {
                // The server answers an unknown alias with 400, not 404.
                if case .server(400, _, "INVALID_PARAMETER_VALUE", let message) = error, message.contains("not found") {
                    throw .notFound(what: uri, detail: message)
                }
                throw error
            }
        }
    }

    public func latestVersion(name: String) async throws -> ModelVersion {
        let answer = try await Self.naming("models:/\(name)/latest") { () async throws(TrackingError) -> [String: Any] in
            try await client.send(.POST, "mlflow/registered-models/get-latest-versions", ["name": name])
        }
        var versions: [ModelVersion] = []
        for item in answer["model_versions"] as? [Any] ?? [] {
            versions.append(try Wire.modelVersion(item, endpoint: "get-latest-versions"))
        }
        func number(_ v: ModelVersion) -> Int { Int(v.version) ?? 0 }
        guard let newest = versions.max(by: { number($0) < number($1) }) else {
            throw TrackingError.notFound(what: "models:/\(name)/latest", detail: "the registered model has no versions")
        }
        return newest
    }

    public func downloadURI(name: String, version: String) async throws -> String {
        try await Self.naming("models:/\(name)/\(version)") { () async throws(TrackingError) in
            let answer = try await client.get("mlflow/model-versions/get-download-uri", query: [("name", name), ("version", version)])
            guard let uri = answer["artifact_uri"] as? String else {
                throw .invalidResponse(endpoint: "model-versions/get-download-uri", reason: "no artifact_uri")
            }
            return uri
        }
    }

    /// Runs `body`; a not-found answer is reported as `what` (the URI or object the user named).
    static func naming<T>(_ what: String, _ body: () async throws(TrackingError) -> T) async throws(TrackingError) -> T {
        do {
            return try await body()
        } catch {
            if case .notFound(_, let detail) = error { throw .notFound(what: what, detail: detail) }
            throw error
        }
    }

    // MARK: Files

    public func artifacts(at artifactURI: String) throws -> any ArtifactRepository {
        if artifactURI.hasPrefix("mlflow-artifacts:") {
            return try ProxyArtifactRepository(artifactURI: artifactURI, trackingURI: uri, client: client)
        }
        if artifactURI.hasPrefix("/") || artifactURI.hasPrefix("file:") {
            // A server started without the artifact proxy hands out its own paths; usable when they
            // are on this machine (same host or a shared volume).
            return try LocalArtifactRepository(uri: artifactURI)
        }
        throw TrackingError.unsupportedURI(uri: artifactURI, reason: "artifact stores other than the tracking server's proxy (mlflow-artifacts:) and local paths are not supported; start the server with --serve-artifacts (the default) so mlpack can reach the files through it")
    }
}

/// Reading MLflow's JSON entities (ids are strings, times integers in ms).
enum Wire {
    static func object(_ value: Any?, _ endpoint: String, _ what: String) throws(TrackingError) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw .invalidResponse(endpoint: endpoint, reason: "no \(what) object") }
        return object
    }

    static func string(_ object: [String: Any], _ key: String, _ endpoint: String) throws(TrackingError) -> String {
        guard let value = object[key] as? String else { throw .invalidResponse(endpoint: endpoint, reason: "\(key) missing or not a string") }
        return value
    }

    static func int(_ value: Any?) -> Int64? {
        if let n = value as? NSNumber { return n.int64Value }
        if let s = value as? String { return Int64(s) }
        return nil
    }

    static func pairs(_ value: Any?) -> [String: String] {
        var result: [String: String] = [:]
        for item in value as? [Any] ?? [] {
            if let pair = item as? [String: Any], let key = pair["key"] as? String { result[key] = pair["value"] as? String ?? "" }
        }
        return result
    }

    static func experiment(_ value: Any?, endpoint: String) throws(TrackingError) -> Experiment {
        let o = try object(value, endpoint, "experiment")
        return Experiment(id: try string(o, "experiment_id", endpoint), name: try string(o, "name", endpoint),
                          artifactLocation: o["artifact_location"] as? String ?? "",
                          lifecycleStage: o["lifecycle_stage"] as? String ?? "active",
                          creationTime: int(o["creation_time"]), lastUpdateTime: int(o["last_update_time"]))
    }

    static func run(_ value: Any?, endpoint: String) throws(TrackingError) -> Run {
        let o = try object(value, endpoint, "run")
        let info = try object(o["info"], endpoint, "run.info")
        let statusText = info["status"] as? String ?? "RUNNING"
        guard let status = RunStatus(rawValue: statusText) else { throw .invalidResponse(endpoint: endpoint, reason: "unknown run status \(statusText)") }
        return Run(id: try string(info, "run_id", endpoint), experimentID: try string(info, "experiment_id", endpoint),
                   name: info["run_name"] as? String ?? "", status: status,
                   artifactURI: info["artifact_uri"] as? String ?? "", startTime: int(info["start_time"]),
                   endTime: int(info["end_time"]), lifecycleStage: info["lifecycle_stage"] as? String ?? "active",
                   userID: info["user_id"] as? String ?? "")
    }

    static func loggedModel(_ value: Any?, endpoint: String) throws(TrackingError) -> LoggedModel {
        let o = try object(value, endpoint, "model")
        let info = try object(o["info"], endpoint, "model.info")
        let data = o["data"] as? [String: Any] ?? [:]
        let statusText = info["status"] as? String ?? ""
        guard let status = LoggedModelStatus(rawValue: statusText) else { throw .invalidResponse(endpoint: endpoint, reason: "unknown logged model status \"\(statusText)\"") }
        let modelType = info["model_type"] as? String
        return LoggedModel(id: try string(info, "model_id", endpoint), experimentID: try string(info, "experiment_id", endpoint),
                           name: info["name"] as? String ?? "", artifactLocation: try string(info, "artifact_uri", endpoint),
                           status: status, sourceRunID: (info["source_run_id"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                           creationTimestampMS: int(info["creation_timestamp_ms"]) ?? 0,
                           lastUpdatedTimestampMS: int(info["last_updated_timestamp_ms"]),
                           modelType: modelType?.isEmpty == true ? nil : modelType,
                           tags: pairs(info["tags"]), params: pairs(data["params"]))
    }

    static func modelVersion(_ value: Any?, endpoint: String) throws(TrackingError) -> ModelVersion {
        let o = try object(value, endpoint, "model_version")
        return ModelVersion(name: try string(o, "name", endpoint), version: try string(o, "version", endpoint),
                            source: o["source"] as? String ?? "",
                            runID: (o["run_id"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                            modelID: (o["model_id"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                            storageLocation: (o["storage_location"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                            aliases: o["aliases"] as? [String] ?? [])
    }
}
