import Foundation
import MLPackTestSupport
import Testing

@testable import MLPackTracking

/// The proof that the local store is MLflow's: Python MLflow 3.17.2 reads what mlpack writes, and
/// mlpack reads what MLflow writes. One Python process per direction (importing MLflow takes seconds).
/// Fails (never skips) when the venv is missing: see ``LocalMLflowPython``.
@Suite struct LocalMLflowInteropTests {
    /// Python reads a database mlpack created and filled, then writes to it.
    static let readScript = #"""
        import json, os, sys, tempfile
        import mlflow
        from mlflow import MlflowClient

        db, exp_id, run_id, model_id, reg, alias = sys.argv[1:]
        uri = "sqlite:///" + db
        mlflow.set_tracking_uri(uri)
        mlflow.set_registry_uri(uri)
        c = MlflowClient(tracking_uri=uri, registry_uri=uri)
        out = {}
        out["default_experiment"] = c.get_experiment("0").name
        exp = c.get_experiment(exp_id)
        out["experiment"] = [exp.name, exp.artifact_location, exp.lifecycle_stage]
        out["search_ids"] = [m.model_id for m in mlflow.search_logged_models(experiment_ids=[exp_id], output_format="list")]
        m = c.get_logged_model(model_id)
        out["model"] = {"status": str(m.status), "name": m.name, "artifact_location": m.artifact_location,
                        "source_run_id": m.source_run_id, "params": m.params, "tags": m.tags}
        r = c.get_run(run_id)
        out["run"] = {"status": r.info.status, "name": r.info.run_name, "artifact_uri": r.info.artifact_uri,
                      "outputs": [[o.model_id, o.step] for o in r.outputs.model_outputs],
                      "params": r.data.params, "tags": r.data.tags, "user": r.info.user_id}
        mv = c.get_model_version_by_alias(reg, alias)
        out["alias"] = {"version": str(mv.version), "source": mv.source, "run_id": mv.run_id, "aliases": mv.aliases}
        out["download_uri"] = c.get_model_version_download_uri(reg, mv.version)
        out["latest"] = str(c.get_model_version_by_alias(reg, "latest").version)
        dst = tempfile.mkdtemp(dir=os.getcwd())  # the test directory, removed afterwards
        local = mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{reg}@{alias}", dst_path=dst)
        out["downloaded"] = {name: open(os.path.join(local, name)).read() for name in sorted(os.listdir(local))
                             if os.path.isfile(os.path.join(local, name))}
        # The schema mlpack made is the one MLflow makes (every table, index and trigger, same SQL; the
        # order of constraint lines is compared as a set, since MLflow's own migrations vary it).
        import sqlite3
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
        fresh_dir = tempfile.mkdtemp(dir=os.getcwd())
        SqlAlchemyStore("sqlite:///" + os.path.join(fresh_dir, "fresh.db"), os.path.join(fresh_dir, "mlruns")).engine.dispose()
        def schema(path):
            con = sqlite3.connect(path)
            rows = {(t, n, tuple(sorted(line.strip().rstrip(",") for line in s.splitlines())))
                    for t, n, s in con.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")}
            con.close()
            return rows
        ours, theirs = schema(db), schema(os.path.join(fresh_dir, "fresh.db"))
        out["schema_only_mlpack"] = sorted(n for _, n, _ in ours - theirs)
        out["schema_only_mlflow"] = sorted(n for _, n, _ in theirs - ours)
        out["schema_objects"] = len(ours)
        # MLflow can keep writing to the database mlpack made.
        out["python_experiment"] = c.create_experiment("from-python")
        print(json.dumps(out))
        """#

    @Test func mlflowReadsWhatMlpackWrites() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        let s = f.store
        let exp = try await s.createExperiment(named: "interop")
        let run = try await s.createRun(
            experimentID: exp.id, name: "swift-run", userID: "alice", startTime: TrackingIDs.nowMS(),
            tags: [("mlflow.user", "alice"), ("mlflow.source.type", "LOCAL")])
        try await s.logBatch(runID: run.id, params: [("alpha", "0.5")], tags: [("team", "ml")])
        let model = try await s.createLoggedModel(
            experimentID: exp.id, name: "encoder", sourceRunID: run.id, params: [("dim", "8")], tags: [("k", "v")])
        try await s.logOutputs(runID: run.id, modelID: model.id)
        let file = f.directory.appendingPathComponent("MLmodel.src")
        try "artifact_path: x\nmodel_id: \(model.id)\n".write(to: file, atomically: true, encoding: .utf8)
        try await s.artifacts(at: model.artifactLocation).upload(file: file, to: "MLmodel")
        _ = try await s.finalizeLoggedModel(id: model.id, status: .ready)
        try await s.updateRun(id: run.id, status: .finished, endTime: TrackingIDs.nowMS())
        try await s.createRegisteredModel(name: "reg")
        let version = try await s.createModelVersion(name: "reg", source: model.uri, runID: run.id, modelID: model.id)
        try await s.setAlias(name: "reg", alias: "champion", version: version.version)

        let out = try LocalMLflowPython.run(
            Self.readScript, arguments: [f.databasePath, exp.id, run.id, model.id, "reg", "champion"], in: f.directory)

        #expect(out["schema_only_mlpack"] as? [String] == [])
        #expect(out["schema_only_mlflow"] as? [String] == [])
        #expect((out["schema_objects"] as? Int ?? 0) >= 100)  // 150 in 3.17.2: tables, indexes, a trigger
        #expect(out["default_experiment"] as? String == "Default")
        #expect(out["experiment"] as? [String] == ["interop", exp.artifactLocation, "active"])
        #expect(out["search_ids"] as? [String] == [model.id])
        let m = try #require(out["model"] as? [String: Any])
        #expect(m["status"] as? String == "READY")
        #expect(m["name"] as? String == "encoder")
        #expect(m["artifact_location"] as? String == model.artifactLocation)
        #expect(m["source_run_id"] as? String == run.id)
        #expect(m["params"] as? [String: String] == ["dim": "8"])
        #expect(m["tags"] as? [String: String] == ["k": "v", "mlflow.modelVersions": #"[{"name": "reg", "version": 1}]"#])
        let r = try #require(out["run"] as? [String: Any])
        #expect(r["status"] as? String == "FINISHED")
        #expect(r["name"] as? String == "swift-run")
        #expect(r["artifact_uri"] as? String == run.artifactURI)
        #expect(r["user"] as? String == "alice")
        #expect((r["outputs"] as? [[Any]])?.map { $0.first as? String } == [model.id])
        #expect(r["params"] as? [String: String] == ["alpha": "0.5"])
        let tags = try #require(r["tags"] as? [String: String])
        #expect(tags["mlflow.runName"] == "swift-run")
        #expect(tags["team"] == "ml")
        let alias = try #require(out["alias"] as? [String: Any])
        #expect(alias["version"] as? String == "1")
        #expect(alias["source"] as? String == model.uri)
        #expect(alias["run_id"] as? String == run.id)
        #expect(alias["aliases"] as? [String] == ["champion"])
        #expect(out["download_uri"] as? String == model.artifactLocation)
        #expect(out["latest"] as? String == "1")
        #expect((out["downloaded"] as? [String: String])?["MLmodel"] == "artifact_path: x\nmodel_id: \(model.id)\n")

        // What Python wrote, mlpack reads.
        let pythonExperiment = try #require(out["python_experiment"] as? String)
        let reopened = try f.reopen()
        let e = try await reopened.experiment(id: pythonExperiment)
        #expect(e.name == "from-python")
        #expect(e.artifactLocation.hasSuffix("/mlruns/\(pythonExperiment)"))
    }

    /// Python makes a database from nothing and logs a model, as `log_model` would (minus flavors).
    static let writeScript = #"""
        import json, os, sys
        import mlflow
        from mlflow import MlflowClient
        from mlflow.entities import LoggedModelOutput, LoggedModelStatus

        mlflow.set_tracking_uri("sqlite:///mlflow.db")
        mlflow.set_registry_uri("sqlite:///mlflow.db")
        c = MlflowClient()
        exp = c.create_experiment("py")
        run = c.create_run(exp, run_name="py-run", tags={"mlflow.user": "py"})
        c.log_param(run.info.run_id, "alpha", "0.5")
        m = c.create_logged_model(exp, name="pymodel", source_run_id=run.info.run_id, params={"k": "v"}, tags={"t": "x"})
        c.log_outputs(run.info.run_id, [LoggedModelOutput(m.model_id, 0)])
        src = os.path.join(os.getcwd(), "src")
        os.makedirs(src, exist_ok=True)
        with open(os.path.join(src, "MLmodel"), "w") as f:
            f.write("artifact_path: y\n")
        c.log_model_artifacts(m.model_id, src)
        c.finalize_logged_model(m.model_id, LoggedModelStatus.READY)
        c.set_terminated(run.info.run_id)
        mv = mlflow.register_model(f"models:/{m.model_id}", "pyreg")
        c.set_registered_model_alias("pyreg", "prod", mv.version)
        print(json.dumps({"experiment_id": exp, "run_id": run.info.run_id, "model_id": m.model_id,
                          "artifact_location": m.artifact_location, "version": str(mv.version)}))
        """#

    @Test func mlpackReadsWhatMLflowWrites() async throws {
        let dir = try TestFixtures.temporaryDirectory().resolvingSymlinksInPath()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try LocalMLflowPython.run(Self.writeScript, arguments: [], in: dir)
        let expID = try #require(out["experiment_id"] as? String)
        let runID = try #require(out["run_id"] as? String)
        let modelID = try #require(out["model_id"] as? String)
        let location = try #require(out["artifact_location"] as? String)

        // The same relative URI and current directory Python used.
        let s = try LocalTrackingStore.open(trackingURI: "sqlite:///mlflow.db", currentDirectory: dir.path)
        #expect(s.databasePath == dir.path + "/mlflow.db")
        #expect(try await s.experiment(id: "0").artifactLocation == dir.path + "/mlruns/0")
        let exp = try #require(try await s.experiment(named: "py"))
        #expect(exp.id == expID)
        #expect(exp.artifactLocation == dir.path + "/mlruns/\(expID)")

        let model = try await s.loggedModel(id: modelID)
        #expect(model.status == .ready)
        #expect(model.name == "pymodel")
        #expect(model.artifactLocation == location)
        #expect(model.artifactLocation == "\(exp.artifactLocation)/models/\(modelID)/artifacts")
        #expect(model.sourceRunID == runID)
        #expect(model.params == ["k": "v"])
        #expect(model.tags["t"] == "x")
        #expect(model.tags["mlflow.modelVersions"] == #"[{"name": "pyreg", "version": 1}]"#)
        #expect(try await s.searchLoggedModels(experimentIDs: [expID]).map(\.id) == [modelID])

        let run = try await s.run(id: runID)
        #expect(run.status == .finished)
        #expect(run.name == "py-run")
        #expect(run.experimentID == expID)
        #expect(run.artifactURI == "\(exp.artifactLocation)/\(runID)/artifacts")
        #expect(run.endTime != nil)

        let byAlias = try await s.modelVersion(name: "pyreg", alias: "prod")
        #expect(byAlias.version == "1")
        #expect(byAlias.source == "models:/\(modelID)")
        #expect(byAlias.modelID == modelID)
        #expect(byAlias.runID == runID)
        #expect(byAlias.storageLocation == location)
        #expect(byAlias.aliases == ["prod"])
        #expect(try await s.latestVersion(name: "pyreg").version == "1")
        #expect(try await s.downloadURI(name: "pyreg", version: "1") == location)

        let repo = try s.artifacts(at: model.artifactLocation)
        #expect(try await repo.listFiles().map(\.path) == ["MLmodel"])
        let copy = dir.appendingPathComponent("copy/MLmodel")
        try await repo.download("MLmodel", to: copy)
        #expect(try String(contentsOf: copy, encoding: .utf8) == "artifact_path: y\n")

        // mlpack writes into MLflow's database as MLflow would: the next version and the model's tag.
        let v2 = try await s.createModelVersion(name: "pyreg", source: "models:/\(modelID)", runID: nil, modelID: modelID)
        #expect(v2.version == "2")
        #expect(v2.runID == runID)
        #expect(try await s.loggedModel(id: modelID).tags["mlflow.modelVersions"]
            == #"[{"name": "pyreg", "version": 1}, {"name": "pyreg", "version": 2}]"#)
    }
}
