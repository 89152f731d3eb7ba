import Foundation
import MLPackTestSupport
import Testing

@testable import MLPackTracking

@Suite struct LocalTrackingStoreTests {
    // MARK: Opening

    @Test func freshDatabaseHoldsWhatMLflowMakes() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        #expect(try f.value("SELECT version_num FROM alembic_version") == "dc11669786a5")
        #expect(try f.store.rowsForTesting("SELECT name FROM workspaces").map { $0["name"] ?? nil } == ["default"])
        let exp0 = try f.store.rowsForTesting("SELECT * FROM experiments")
        #expect(exp0.count == 1)
        #expect(exp0.first?["experiment_id"] == "0")
        #expect(exp0.first?["name"] == "Default")
        #expect(exp0.first?["artifact_location"] == f.artifactRoot + "/0")
        #expect(exp0.first?["lifecycle_stage"] == "active")
        #expect(exp0.first?["workspace"] == "default")
        #expect(exp0.first?["creation_time"] == exp0.first?["last_update_time"])
        // MLflow leaves the journal mode alone (rollback journal), and so does mlpack.
        #expect(try f.value("PRAGMA journal_mode") == "delete")
        // 65 tables as MLflow 3.17.2 makes them.
        #expect(try f.value("SELECT count(*) FROM sqlite_master WHERE type = 'table'") == "65")
        // No artifact directory is made until a file is uploaded (as MLflow).
        #expect(!FileManager.default.fileExists(atPath: f.artifactRoot))

        let experiments = try await f.store.experiments()
        #expect(experiments.map(\.name) == ["Default"])
        #expect(f.store.uri == "sqlite:///" + f.databasePath)

        // Opening again changes nothing.
        let again = try f.reopen()
        #expect(try await again.experiments() == experiments)
    }

    @Test func schemaResourceMatchesTheSupportedHead() throws {
        let sql = try LocalSchema.schemaSQL()
        #expect(sql.contains("-- alembic head: \(LocalTrackingStore.supportedAlembicVersions[0])"))
        #expect(sql.contains("INSERT INTO \"alembic_version\" VALUES('\(LocalTrackingStore.supportedAlembicVersions[0])');"))
        #expect(sql.contains("-- mlflow: \(LocalTrackingStore.mlflowVersion)"))
        #expect(!sql.contains("INSERT INTO \"experiments\""))
    }

    @Test func trackingURIsAreReadAsSQLAlchemyDoes() throws {
        #expect(try LocalTrackingStore.databasePath(fromTrackingURI: "sqlite:///mlflow.db", currentDirectory: "/w") == "/w/mlflow.db")
        #expect(try LocalTrackingStore.databasePath(fromTrackingURI: "sqlite:///sub/./x.db", currentDirectory: "/w") == "/w/sub/x.db")
        #expect(try LocalTrackingStore.databasePath(fromTrackingURI: "sqlite:////abs/dir/m.db", currentDirectory: "/w") == "/abs/dir/m.db")
        #expect(try LocalTrackingStore.databasePath(fromTrackingURI: "sqlite:///a%20b.db", currentDirectory: "/w") == "/w/a b.db")
        for bad in ["sqlite://", "sqlite:///:memory:", "sqlite://host/x.db", "sqlite:///x.db?mode=ro", "postgresql://x/y", "sqlite:///"] {
            #expect(throws: TrackingError.self, "\(bad)") { try LocalTrackingStore.databasePath(fromTrackingURI: bad, currentDirectory: "/w") }
        }
        #expect(LocalTrackingStore.isLocalTrackingURI("sqlite:///mlflow.db"))
        #expect(!LocalTrackingStore.isLocalTrackingURI("http://127.0.0.1:5000"))
    }

    @Test func defaultStoreIsMlflowDbAndMlrunsInTheCurrentDirectory() async throws {
        let dir = try TestFixtures.temporaryDirectory().resolvingSymlinksInPath()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try LocalTrackingStore.defaultStore(currentDirectory: dir.path)
        #expect(store.databasePath == dir.path + "/mlflow.db")
        #expect(store.artifactRoot == dir.path + "/mlruns")
        #expect(store.uri == "sqlite:///" + dir.path + "/mlflow.db")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/mlflow.db"))
        #expect(try await store.experiment(id: "0").artifactLocation == dir.path + "/mlruns/0")

        // A relative path in a subdirectory that does not exist yet: made, as MLflow does.
        let nested = try LocalTrackingStore.open(trackingURI: "sqlite:///nested/dir/t.db", currentDirectory: dir.path)
        #expect(nested.databasePath == dir.path + "/nested/dir/t.db")
        #expect(nested.uri == "sqlite:///nested/dir/t.db")
        #expect(nested.artifactRoot == dir.path + "/mlruns")
    }

    @Test func unsupportedAlembicVersionIsRefused() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        try f.store.executeForTesting("UPDATE alembic_version SET version_num = '0584bdc529eb'")
        do {
            _ = try f.reopen()
            Issue.record("a database at another schema version was opened")
        } catch let error as TrackingError {
            #expect(error == .unsupportedDatabaseVersion(path: f.databasePath, found: "0584bdc529eb", supported: ["dc11669786a5"]))
            #expect(error.description.contains(f.databasePath))
            #expect(error.description.contains("dc11669786a5"))
        }
    }

    @Test func foreignDatabasesAreRefusedClearly() throws {
        let dir = try TestFixtures.temporaryDirectory().resolvingSymlinksInPath()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Not SQLite at all.
        let junk = dir.appendingPathComponent("junk.db")
        try Data(repeating: 0x41, count: 4096).write(to: junk)
        do {
            _ = try LocalTrackingStore(databasePath: junk.path, artifactRoot: dir.path + "/mlruns")
            Issue.record("a non-database file was opened")
        } catch let error as TrackingError {
            guard case .database(let path, let message) = error else { Issue.record("\(error)"); return }
            #expect(path == junk.path)
            #expect(message.contains("not an SQLite database"))
        }
    }

    @Test func databaseWithoutAlembicVersionIsRefused() throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        try f.store.executeForTesting("DROP TABLE alembic_version")
        do {
            _ = try f.reopen()
            Issue.record("a database without alembic_version was opened")
        } catch let error as TrackingError {
            guard case .database(let path, let message) = error else { Issue.record("\(error)"); return }
            #expect(path == f.databasePath)
            #expect(message.contains("alembic_version"))
        }
    }

    @Test func modelVersionsTagIsWrittenAsPythonJSONDumps() {
        // json.dumps([{"name": 'modèle "x"\n😀', "version": 1}]) in Python.
        let dumped = LocalPythonJSON.dumps([[("name", .string("modèle \"x\"\n😀")), ("version", .int(1))]])
        #expect(dumped == #"[{"name": "mod\u00e8le \"x\"\n\ud83d\ude00", "version": 1}]"#)
        let parsed = LocalPythonJSON.orderedEntry(["version": 2, "name": "n"] as [String: Any])
        #expect(LocalPythonJSON.dumps([parsed]) == #"[{"name": "n", "version": 2}]"#)
    }

    @Test func lockedDatabaseFailsWithinTheBusyTimeout() async throws {
        let f = try LocalStoreFixture(busyTimeout: 0.5)
        defer { f.remove() }
        let lock = try ExclusiveDatabaseLockForTesting(path: f.databasePath)
        let start = Date()
        let error = await LocalTestKit.error { try await f.store.createExperiment(named: "blocked") }
        let elapsed = Date().timeIntervalSince(start)
        guard case .database(let path, let message)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(path == f.databasePath)
        #expect(message.contains("locked"))
        // It waited for the lock, then gave up (the upper bound only proves it does not hang: under a
        // loaded CI machine the scheduling around the 0.5 s wait is slow, so no tight timing here).
        #expect(elapsed >= 0.4 && elapsed < 120, "waited \(elapsed) s for a 0.5 s busy timeout")
        // Reads wait too (an exclusive lock), and so does opening.
        let readError = await LocalTestKit.error { try await f.store.experiments() }
        #expect(LocalTestKit.caseName(readError) == "database")
        #expect(throws: TrackingError.self) { _ = try f.reopen(busyTimeout: 0.3) }
        try lock.release()
        // Once released, the same store works.
        #expect(try await f.store.createExperiment(named: "blocked").id == "1")
    }

    // MARK: Logging

    @Test func fullLoggingSequenceWritesMLflowRows() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        let store = f.store
        #expect(try await store.experiment(named: "demo") == nil)
        let exp = try await store.createExperiment(named: "demo")
        #expect(exp.id == "1")
        #expect(exp.artifactLocation == f.artifactRoot + "/1")
        #expect(exp.lifecycleStage == "active")
        #expect(try await store.createExperiment(named: "demo") == exp)  // existing one returned
        #expect(try await store.experiment(named: "demo") == exp)
        #expect(try await store.experiments().map(\.id) == ["0", "1"])

        let start = TrackingIDs.nowMS()
        let run = try await store.createRun(
            experimentID: exp.id, name: "train", userID: "alice", startTime: start,
            tags: [("mlflow.user", "alice"), ("mlflow.source.name", "mlpack"), ("mlflow.source.type", "LOCAL")])
        #expect(run.id.count == 32 && run.id.allSatisfy(\.isHexDigit))
        #expect(run.name == "train")
        #expect(run.status == .running)
        #expect(run.artifactURI == "\(f.artifactRoot)/1/\(run.id)/artifacts")
        #expect(run.startTime == start)
        #expect(run.userID == "alice")
        let runRow = try f.store.rowsForTesting("SELECT * FROM runs")[0]
        #expect(runRow["source_type"] == "UNKNOWN")
        #expect(runRow["source_name"] == "")
        #expect(runRow["entry_point_name"] == "")
        #expect(runRow["source_version"] == "")
        #expect(runRow["experiment_id"] == "1")
        #expect(runRow["lifecycle_stage"] == "active")
        #expect(runRow["end_time"] == .some(nil))
        let tagRows = try f.store.rowsForTesting("SELECT key, value FROM tags ORDER BY key")
        #expect(tagRows.map { $0["key"] ?? nil } == ["mlflow.runName", "mlflow.source.name", "mlflow.source.type", "mlflow.user"])
        #expect(tagRows[0]["value"] == "train")

        try await store.logBatch(runID: run.id, params: [("lr", "0.1"), ("epochs", "3")], tags: [("note", "a")])
        try await store.logBatch(runID: run.id, params: [("lr", "0.1")], tags: [("note", "b")])  // same value: fine; tag overwritten
        let rewrite = await LocalTestKit.error { try await store.logBatch(runID: run.id, params: [("lr", "0.2")], tags: []) }
        #expect(LocalTestKit.caseName(rewrite) == "invalidArgument")
        let long = await LocalTestKit.error {
            try await store.logBatch(runID: run.id, params: [("big", String(repeating: "x", count: 6001))], tags: [])
        }
        #expect(LocalTestKit.caseName(long) == "invalidArgument")
        let badKey = await LocalTestKit.error { try await store.logBatch(runID: run.id, params: [("a/../b", "1")], tags: []) }
        #expect(LocalTestKit.caseName(badKey) == "invalidArgument")
        #expect(try f.value("SELECT value FROM tags WHERE key = 'note'") == "b")
        #expect(try f.value("SELECT count(*) FROM params") == "2")
        try await store.logBatch(runID: run.id, params: [], tags: [("mlflow.runName", "renamed")])
        #expect(try await store.run(id: run.id).name == "renamed")

        let model = try await store.createLoggedModel(
            experimentID: exp.id, name: "encoder", sourceRunID: run.id, params: [("dim", "384")],
            tags: [("mlflow.source.name", "mlpack")])
        #expect(model.id.hasPrefix("m-") && model.id.count == 34)
        #expect(model.status == .pending)
        #expect(model.artifactLocation == "\(f.artifactRoot)/1/models/\(model.id)/artifacts")
        #expect(model.sourceRunID == run.id)
        #expect(model.params == ["dim": "384"])
        #expect(model.tags == ["mlflow.source.name": "mlpack"])
        #expect(model.creationTimestampMS == model.lastUpdatedTimestampMS)
        let modelRow = try f.store.rowsForTesting("SELECT * FROM logged_models")[0]
        #expect(modelRow["status"] == "1")
        #expect(modelRow["lifecycle_stage"] == "active")
        #expect(modelRow["experiment_id"] == "1")
        #expect(try f.value("SELECT experiment_id FROM logged_model_params") == "1")
        let badName = await LocalTestKit.error {
            try await store.createLoggedModel(experimentID: exp.id, name: "a.b", sourceRunID: nil, params: [], tags: [])
        }
        #expect(LocalTestKit.caseName(badName) == "invalidName")

        try await store.logOutputs(runID: run.id, modelID: model.id)
        try await store.logOutputs(runID: run.id, modelID: model.id)  // once is enough
        let inputs = try f.store.rowsForTesting("SELECT * FROM inputs")
        #expect(inputs.count == 1)
        #expect(inputs[0]["source_type"] == "RUN_OUTPUT")
        #expect(inputs[0]["source_id"] == .some(run.id))
        #expect(inputs[0]["destination_type"] == "MODEL_OUTPUT")
        #expect(inputs[0]["destination_id"] == .some(model.id))
        #expect(inputs[0]["step"] == "0")
        #expect((inputs[0]["input_uuid"] ?? nil)?.count == 32)

        // Files go under the model's artifact location.
        let source = f.directory.appendingPathComponent("MLmodel")
        try "artifact_path: x\n".write(to: source, atomically: true, encoding: .utf8)
        let repo = try store.artifacts(at: model.artifactLocation)
        try await repo.upload(file: source, to: "MLmodel")
        try await repo.upload(file: source, to: "sub/dir/copy.txt")
        #expect(try await repo.listFiles() == [
            ArtifactFile(path: "MLmodel", isDirectory: false, size: 17),
            ArtifactFile(path: "sub/dir/copy.txt", isDirectory: false, size: 17),
        ])
        #expect(FileManager.default.fileExists(atPath: model.artifactLocation + "/MLmodel"))
        // Logging a model makes no run artifact folder.
        #expect(!FileManager.default.fileExists(atPath: run.artifactURI))

        let ready = try await store.finalizeLoggedModel(id: model.id, status: .ready)
        #expect(ready.status == .ready)
        #expect(try f.value("SELECT status FROM logged_models") == "2")
        let end = TrackingIDs.nowMS()
        try await store.updateRun(id: run.id, status: .finished, endTime: end)
        let finished = try await store.run(id: run.id)
        #expect(finished.status == .finished)
        #expect(finished.endTime == end)

        let other = try await store.createLoggedModel(experimentID: "0", name: "other", sourceRunID: nil, params: [], tags: [])
        #expect(other.artifactLocation == "\(f.artifactRoot)/0/models/\(other.id)/artifacts")
        #expect(try await store.searchLoggedModels(experimentIDs: [exp.id]).map(\.id) == [model.id])
        let all = try await store.searchLoggedModels(experimentIDs: [])
        #expect(Set(all.map(\.id)) == [model.id, other.id])
        #expect(all.first!.creationTimestampMS >= all.last!.creationTimestampMS)
        #expect(try await store.loggedModel(id: model.id) == ready)
    }

    @Test func runNamesAndTagsFollowMLflow() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        // No name: a generated one, also in mlflow.runName.
        let anonymous = try await f.store.createRun(experimentID: "0", name: "", userID: "", startTime: 1, tags: [])
        #expect(!anonymous.name.isEmpty && anonymous.name.count <= 20)
        #expect(try f.value("SELECT value FROM tags WHERE key = 'mlflow.runName' AND run_uuid = '\(anonymous.id)'") == anonymous.name)
        // The tag alone names the run.
        let tagged = try await f.store.createRun(experimentID: "0", name: "", userID: "", startTime: 1, tags: [("mlflow.runName", "t")])
        #expect(tagged.name == "t")
        // Name and tag disagree: refused, as MLflow does.
        let clash = await LocalTestKit.error {
            try await f.store.createRun(experimentID: "0", name: "a", userID: "", startTime: 1, tags: [("mlflow.runName", "b")])
        }
        #expect(LocalTestKit.caseName(clash) == "invalidArgument")
    }

    // MARK: Registry

    @Test func registryVersionsAliasesAndTheModelTag() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        let store = f.store
        let run = try await store.createRun(experimentID: "0", name: "r", userID: "u", startTime: 1, tags: [])
        let model = try await store.createLoggedModel(experimentID: "0", name: "m", sourceRunID: run.id, params: [], tags: [])
        try await store.createRegisteredModel(name: "reg")
        try await store.createRegisteredModel(name: "reg")  // existing: fine

        let v1 = try await store.createModelVersion(name: "reg", source: model.uri, runID: nil, modelID: model.id)
        #expect(v1.version == "1")
        #expect(v1.source == "models:/\(model.id)")
        #expect(v1.runID == run.id)  // filled from the logged model
        #expect(v1.modelID == model.id)
        #expect(v1.storageLocation == model.artifactLocation)
        #expect(v1.aliases.isEmpty)
        let row = try store.rowsForTesting("SELECT * FROM model_versions")[0]
        #expect(row["current_stage"] == "None")
        #expect(row["status"] == "READY")
        #expect(row["workspace"] == "default")
        #expect(row["user_id"] == .some(nil))
        #expect(row["run_link"] == .some(nil))
        #expect(try await store.loggedModel(id: model.id).tags["mlflow.modelVersions"] == #"[{"name": "reg", "version": 1}]"#)

        // Without model_id: the source names the model all the same.
        let v2 = try await store.createModelVersion(name: "reg", source: model.uri, runID: "explicit", modelID: nil)
        #expect(v2.version == "2")
        #expect(v2.runID == "explicit")
        #expect(try await store.loggedModel(id: model.id).tags["mlflow.modelVersions"]
            == #"[{"name": "reg", "version": 1}, {"name": "reg", "version": 2}]"#)
        // A plain path source is stored as is.
        let v3 = try await store.createModelVersion(name: "reg", source: model.artifactLocation, runID: nil, modelID: nil)
        #expect(v3.storageLocation == model.artifactLocation)
        #expect(v3.modelID == nil)
        #expect(v3.runID == nil)

        try await store.setAlias(name: "reg", alias: "champion", version: "1")
        let byAlias = try await store.modelVersion(name: "reg", alias: "champion")
        #expect(byAlias.version == "1")
        #expect(byAlias.aliases == ["champion"])
        #expect(byAlias.modelID == model.id)
        #expect(try await store.modelVersion(name: "reg", version: "1").aliases == ["champion"])
        try await store.setAlias(name: "reg", alias: "champion", version: "2")  // moves
        #expect(try await store.modelVersion(name: "reg", alias: "champion").version == "2")
        #expect(try store.rowsForTesting("SELECT * FROM registered_model_aliases").count == 1)
        #expect(try await store.latestVersion(name: "reg").version == "3")
        #expect(try await store.modelVersion(name: "reg", alias: "latest").version == "3")
        #expect(try await store.downloadURI(name: "reg", version: "1") == model.artifactLocation)

        for bad in ["latest", "v1", "V12", "a b", ""] {
            let e = await LocalTestKit.error { try await store.setAlias(name: "reg", alias: bad, version: "1") }
            #expect(LocalTestKit.caseName(e) == "invalidName", "\(bad)")
        }
        for bad in ["a/b", "a:b", " ", "..", "./x"] {
            let e = await LocalTestKit.error { try await store.createRegisteredModel(name: bad) }
            #expect(LocalTestKit.caseName(e) == "invalidName", "\(bad)")
        }
        let mismatch = await LocalTestKit.error {
            try await store.createModelVersion(name: "reg", source: model.uri, runID: nil, modelID: "m-0123")
        }
        #expect(LocalTestKit.caseName(mismatch) == "invalidArgument")
    }

    // MARK: Errors

    @Test func unknownIDsAreNotFound() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        let s = f.store
        try await s.createRegisteredModel(name: "reg")
        let cases: [(String, () async throws -> Any)] = [
            ("experiment 999", { try await s.experiment(id: "999") }),
            ("experiment abc", { try await s.experiment(id: "abc") }),
            ("run", { try await s.run(id: "0123456789abcdef0123456789abcdef") }),
            ("createRun in 999", { try await s.createRun(experimentID: "999", name: "x", userID: "", startTime: 0, tags: []) }),
            ("logBatch", { try await s.logBatch(runID: "nope", params: [("a", "1")], tags: []) }),
            ("updateRun", { try await s.updateRun(id: "nope", status: .finished, endTime: 1) }),
            ("loggedModel", { try await s.loggedModel(id: "m-00000000000000000000000000000000") }),
            ("finalize", { try await s.finalizeLoggedModel(id: "m-0", status: .ready) }),
            ("createLoggedModel in 999", { try await s.createLoggedModel(experimentID: "999", name: "m", sourceRunID: nil, params: [], tags: []) }),
            ("createLoggedModel unknown run", { try await s.createLoggedModel(experimentID: "0", name: "m", sourceRunID: "nope", params: [], tags: []) }),
            ("logOutputs", { try await s.logOutputs(runID: "nope", modelID: "m-0") }),
            ("version of unknown model", { try await s.modelVersion(name: "nope", version: "1") }),
            ("unknown version", { try await s.modelVersion(name: "reg", version: "7") }),
            ("unknown alias", { try await s.modelVersion(name: "reg", alias: "gone") }),
            ("latest of empty", { try await s.latestVersion(name: "reg") }),
            ("latest of unknown", { try await s.latestVersion(name: "nope") }),
            ("version of unknown model id", { try await s.createModelVersion(name: "reg", source: "models:/m-1", runID: nil, modelID: nil) }),
            ("version in unknown registered model", { try await s.createModelVersion(name: "nope", source: "/x", runID: nil, modelID: nil) }),
            ("download uri", { try await s.downloadURI(name: "reg", version: "3") }),
        ]
        for (label, call) in cases {
            let error = await LocalTestKit.error { try await call() }
            #expect(LocalTestKit.caseName(error) == "notFound", "\(label): \(String(describing: error))")
            #expect(error?.description.contains(f.databasePath) == true, "\(label): \(String(describing: error))")
        }
        let modelVersion = await LocalTestKit.error { try await s.modelVersion(name: "reg", version: "one") }
        #expect(LocalTestKit.caseName(modelVersion) == "invalidArgument")
    }

    @Test func deletedExperimentIsReportedAndRefused() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        let exp = try await f.store.createExperiment(named: "old")
        try f.store.executeForTesting("UPDATE experiments SET lifecycle_stage = 'deleted' WHERE experiment_id = \(exp.id)")
        let found = try await f.store.experiment(named: "old")
        #expect(found?.isDeleted == true)
        #expect(try await f.store.experiments().map(\.name) == ["Default"])
        let run = await LocalTestKit.error {
            try await f.store.createRun(experimentID: exp.id, name: "r", userID: "", startTime: 0, tags: [])
        }
        #expect(run == .deletedExperiment(name: "old", id: exp.id))
        let model = await LocalTestKit.error {
            try await f.store.createLoggedModel(experimentID: exp.id, name: "m", sourceRunID: nil, params: [], tags: [])
        }
        #expect(model == .deletedExperiment(name: "old", id: exp.id))
        // Create with a deleted name hands back that experiment; the caller sees it is deleted.
        #expect(try await f.store.createExperiment(named: "old").isDeleted)
    }

    @Test func deletedModelsAndRunsAreHiddenOrRefused() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        let run = try await f.store.createRun(experimentID: "0", name: "r", userID: "", startTime: 0, tags: [])
        let model = try await f.store.createLoggedModel(experimentID: "0", name: "m", sourceRunID: run.id, params: [], tags: [])
        try f.store.executeForTesting("""
            UPDATE logged_models SET lifecycle_stage = 'deleted';
            UPDATE runs SET lifecycle_stage = 'deleted';
            """)
        #expect(LocalTestKit.caseName(await LocalTestKit.error { try await f.store.loggedModel(id: model.id) }) == "notFound")
        #expect(try await f.store.searchLoggedModels(experimentIDs: []).isEmpty)
        let write = await LocalTestKit.error { try await f.store.updateRun(id: run.id, status: .finished, endTime: 1) }
        #expect(LocalTestKit.caseName(write) == "invalidArgument")
    }

    @Test func concurrentExperimentCreationYieldsOneExperiment() async throws {
        let f = try LocalStoreFixture()
        defer { f.remove() }
        let second = try f.reopen()
        let stores = [f.store, second, f.store, second]
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for s in stores { group.addTask { try await s.createExperiment(named: "shared").id } }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(Set(ids) == ["1"])
        #expect(try f.value("SELECT count(*) FROM experiments WHERE name = 'shared'") == "1")
    }
}
