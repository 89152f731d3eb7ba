import Foundation

/// What mlpack needs of an MLflow tracking store: experiments, runs, MLflow 3 logged models, the
/// model registry and the files behind them. Two implementations: ``RESTTrackingStore`` (a tracking
/// server, `http(s)://`) and ``LocalTrackingStore`` (MLflow 3's local SQLite store, `sqlite:///…`).
///
/// Calls mirror MLflow's REST API one for one, so a logging sequence reads the same against both.
/// Methods throw ``TrackingError``; `notFound` for a missing object.
public protocol TrackingStore: Sendable {
    /// The tracking URI this store talks to, for messages (`http://127.0.0.1:5000`, `sqlite:///…/mlflow.db`).
    var uri: String { get }

    // MARK: Experiments
    /// The experiment of that name (active or deleted), or nil.
    func experiment(named name: String) async throws -> Experiment?
    func experiment(id: String) async throws -> Experiment
    /// Creates an experiment with the store's default artifact location.
    func createExperiment(named name: String) async throws -> Experiment
    /// Active experiments, oldest first.
    func experiments() async throws -> [Experiment]

    // MARK: Runs
    func createRun(experimentID: String, name: String, userID: String, startTime: Int64, tags: [(String, String)]) async throws -> Run
    func run(id: String) async throws -> Run
    /// Params and tags of a run (params are write-once, as in MLflow).
    func logBatch(runID: String, params: [(String, String)], tags: [(String, String)]) async throws
    func updateRun(id: String, status: RunStatus, endTime: Int64) async throws

    // MARK: Logged models
    /// A new logged model, status PENDING, its artifact location assigned by the store.
    func createLoggedModel(experimentID: String, name: String, sourceRunID: String?, params: [(String, String)], tags: [(String, String)]) async throws -> LoggedModel
    /// Lists `modelID` among the run's outputs (step 0), as `runs/outputs` does.
    func logOutputs(runID: String, modelID: String) async throws
    func finalizeLoggedModel(id: String, status: LoggedModelStatus) async throws -> LoggedModel
    func loggedModel(id: String) async throws -> LoggedModel
    /// Logged models of the experiments (all when empty), newest first.
    func searchLoggedModels(experimentIDs: [String]) async throws -> [LoggedModel]

    // MARK: Registry
    /// Creates the registered model; an existing one of that name is fine.
    func createRegisteredModel(name: String) async throws
    func createModelVersion(name: String, source: String, runID: String?, modelID: String?) async throws -> ModelVersion
    func setAlias(name: String, alias: String, version: String) async throws
    func modelVersion(name: String, version: String) async throws -> ModelVersion
    func modelVersion(name: String, alias: String) async throws -> ModelVersion
    /// The newest version of a registered model (`models:/<name>/latest`).
    func latestVersion(name: String) async throws -> ModelVersion
    /// Where a version's files are (`get-download-uri`).
    func downloadURI(name: String, version: String) async throws -> String

    // MARK: Files
    /// The repository that reads and writes files under `artifactURI` (a location this store handed out).
    func artifacts(at artifactURI: String) throws -> any ArtifactRepository

    /// Releases connections or database handles; the store is not used afterwards.
    func close() async
}

extension TrackingStore {
    public func close() async {}
}

/// Files under one artifact location (a local directory, or the server's artifact proxy).
public protocol ArtifactRepository: Sendable {
    /// The location, for messages.
    var location: String { get }
    /// Uploads one local file to `relativePath` under the location (streamed; never whole in memory).
    func upload(file: URL, to relativePath: String) async throws
    /// Every file under the location, recursively (directories left out), with sizes.
    func listFiles() async throws -> [ArtifactFile]
    /// Downloads `relativePath` to `destination` (a new file, written whole or not at all).
    func download(_ relativePath: String, to destination: URL) async throws
}
