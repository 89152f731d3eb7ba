import Foundation
import MLPackCore

/// Logs a saved model directory into a tracking store the way MLflow 3's `log_model` does:
/// experiment → run → logged model (PENDING) → run outputs → MLmodel rewritten (`artifact_path`,
/// `model_id`, `model_uuid`, `run_id`) → every file uploaded → READY → run FINISHED → registry.
/// On any failure after the model exists, it is marked FAILED and the run FAILED: nothing stays PENDING.
public struct ModelLogger: Sendable {
    public struct Request: Sendable {
        public var experiment: String
        public var name: String
        public var runName: String?
        public var params: [(String, String)]
        public var tags: [(String, String)]
        public var registeredName: String?
        public var alias: String?
        public var userID: String
        /// `mlflow.source.name`: the program that logged (MLflow records the script path).
        public var sourceName: String

        public init(experiment: String, name: String, runName: String? = nil, params: [(String, String)] = [],
                    tags: [(String, String)] = [], registeredName: String? = nil, alias: String? = nil,
                    userID: String = ModelLogger.currentUser(), sourceName: String = "mlpack") {
            self.experiment = experiment
            self.name = name
            self.runName = runName
            self.params = params
            self.tags = tags
            self.registeredName = registeredName
            self.alias = alias
            self.userID = userID
            self.sourceName = sourceName
        }
    }

    public struct Result: Sendable {
        public var experiment: Experiment
        public var run: Run
        public var model: LoggedModel
        public var version: ModelVersion?
        /// `models:/m-…`.
        public var modelURI: String { model.uri }
        /// `runs:/<run id>/<name>`.
        public var runURI: String { "runs:/\(run.id)/\(model.name)" }
    }

    public let store: any TrackingStore

    public init(store: any TrackingStore) { self.store = store }

    /// The `mlflow.user` tag as MLflow's default context sets it: `MLFLOW_TRACKING_USERNAME`, else
    /// Python's `getpass.getuser()` (`LOGNAME`, `USER`, `LNAME`, `USERNAME`, then the password database).
    public static func currentUser(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for key in ["MLFLOW_TRACKING_USERNAME", "LOGNAME", "USER", "LNAME", "USERNAME"] {
            if let value = environment[key], !value.isEmpty { return value }
        }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "unknown"
    }

    /// The longest param value MLflow accepts.
    public static let maxParamValueLength = 6000

    /// Logs the model directory `directory` (left untouched: the rewritten MLmodel is uploaded from a
    /// temporary file). `progress` gets each file's path and size as it finishes uploading.
    public func log(directory: URL, _ request: Request, progress: (@Sendable (String, Int64) -> Void)? = nil) async throws -> Result {
        try TrackingIDs.checkModelName(request.name)
        if let alias = request.alias, request.registeredName == nil {
            throw TrackingError.invalidArgument(key: "--alias", message: "an alias (\(alias)) needs a registered model name (--register NAME)")
        }
        for (key, value) in request.params where value.count > Self.maxParamValueLength {
            throw TrackingError.invalidArgument(key: "param \(key)", message: "value of \(value.count) characters; MLflow accepts at most \(Self.maxParamValueLength)")
        }
        var mlmodel = try MLModel.load(from: directory.appendingPathComponent(MLModel.fileName))
        let files = try ArtifactPaths.files(under: directory).filter { $0 != MLModel.fileName }

        let experiment = try await experiment(named: request.experiment)
        let contextTags = [("mlflow.user", request.userID), ("mlflow.source.name", request.sourceName), ("mlflow.source.type", "LOCAL")]
        let runName = request.runName ?? Self.randomRunName()
        var run = try await store.createRun(experimentID: experiment.id, name: runName, userID: request.userID,
                                            startTime: TrackingIDs.nowMS(), tags: contextTags + [("mlflow.runName", runName)])
        var model: LoggedModel
        do {
            try await store.logBatch(runID: run.id, params: request.params, tags: request.tags)
            model = try await store.createLoggedModel(experimentID: experiment.id, name: request.name, sourceRunID: run.id,
                                                      params: request.params, tags: contextTags + request.tags)
        } catch {
            try? await store.updateRun(id: run.id, status: .failed, endTime: TrackingIDs.nowMS())
            throw error
        }
        do {
            try await store.logOutputs(runID: run.id, modelID: model.id)
            mlmodel.artifactPath = model.artifactLocation
            mlmodel.modelID = model.id
            mlmodel.modelUUID = model.id
            mlmodel.runID = run.id
            let repository = try store.artifacts(at: model.artifactLocation)
            // A locked scratch directory in $TMPDIR (TemporaryItem): removed at the end, or by the
            // next log if this process is killed.
            let staged = try TemporaryItem.scratchDirectory(label: "mlpack-log")
            defer { staged.discard() }
            let rewritten = staged.url.appendingPathComponent(MLModel.fileName)
            try mlmodel.write(to: rewritten)
            for file in files {
                let url = directory.appendingPathComponent(file)
                try await repository.upload(file: url, to: file)
                progress?(file, (try? ArtifactPaths.regularFileSize(url)) ?? 0)
            }
            // MLmodel last: a reader that finds it finds a complete model.
            try await repository.upload(file: rewritten, to: MLModel.fileName)
            progress?(MLModel.fileName, (try? ArtifactPaths.regularFileSize(rewritten)) ?? 0)
            model = try await store.finalizeLoggedModel(id: model.id, status: .ready)
        } catch {
            _ = try? await store.finalizeLoggedModel(id: model.id, status: .failed)
            try? await store.updateRun(id: run.id, status: .failed, endTime: TrackingIDs.nowMS())
            throw error
        }
        try await store.updateRun(id: run.id, status: .finished, endTime: TrackingIDs.nowMS())
        run = try await store.run(id: run.id)

        var version: ModelVersion?
        if let registered = request.registeredName {
            try await store.createRegisteredModel(name: registered)
            var created = try await store.createModelVersion(name: registered, source: model.uri, runID: run.id, modelID: model.id)
            if let alias = request.alias {
                try await store.setAlias(name: registered, alias: alias, version: created.version)
                created.aliases.append(alias)
            }
            version = created
        }
        return Result(experiment: experiment, run: run, model: model, version: version)
    }

    /// The experiment of that name, created when missing; a deleted one is refused.
    func experiment(named name: String) async throws -> Experiment {
        if let existing = try await store.experiment(named: name) {
            if existing.isDeleted { throw TrackingError.deletedExperiment(name: name, id: existing.id) }
            return existing
        }
        let created = try await store.createExperiment(named: name)
        if created.isDeleted { throw TrackingError.deletedExperiment(name: name, id: created.id) }
        return created
    }

    /// A run name in MLflow's style (`<adjective>-<noun>-<number>`).
    static func randomRunName() -> String {
        let adjectives = ["brave", "calm", "clever", "eager", "gentle", "keen", "lucky", "merry", "nimble", "quiet", "rapid", "sunny", "tidy", "vivid", "wise"]
        let nouns = ["ant", "bee", "crane", "deer", "eel", "fox", "gull", "hare", "ibis", "jay", "koi", "lynx", "mole", "newt", "owl"]
        return "\(adjectives.randomElement()!)-\(nouns.randomElement()!)-\(Int.random(in: 100...999))"
    }
}
