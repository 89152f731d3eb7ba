import ArgumentParser
import Foundation
import MLPackArchive
import MLPackCore
import MLPackTracking

/// `mlpack log`: logs a model into an MLflow tracking store as MLflow 3's `log_model` does.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log a model into an MLflow experiment (tracking server or local store).",
        discussion: """
            Logs an existing model directory or mlpack archive (-m), or saves one through a flavor and \
            logs it in one step (--flavor, --source), exactly as MLflow 3's log_model: an experiment \
            (created if missing), a run, a logged model (PENDING), every file uploaded, then READY and \
            the run FINISHED. On failure the model is marked FAILED and the run FAILED.

            The store is --tracking-uri, else $MLFLOW_TRACKING_URI, else MLflow's local default \
            sqlite:///mlflow.db (files under ./mlruns). Servers take MLflow's variables: \
            MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_INSECURE_TLS, \
            MLFLOW_TRACKING_SERVER_CERT_PATH, MLFLOW_TRACKING_CLIENT_CERT_PATH, \
            MLFLOW_HTTP_REQUEST_MAX_RETRIES, MLFLOW_HTTP_REQUEST_TIMEOUT.

            Prints the model's URI (models:/m-…) and its run URI (runs:/<run id>/<name>), one per line.

            Examples:
              mlpack log --experiment Similarity --name similarity -m ./similarity
              mlpack log --experiment Similarity --name similarity --flavor similarity \\
                  --source sentence-transformers/all-MiniLM-L6-v2 --input-example example.json \\
                  --register similarity --alias champion
              MLFLOW_TRACKING_URI=http://127.0.0.1:5000 mlpack log --name st -m st.zip --json
            """)

    @Option(help: "The experiment (created when missing).")
    var experiment = "Default"

    @Option(help: "The logged model's name (MLflow refuses / : . % \" ' in it).")
    var name: String

    @Option(name: [.short, .customLong("model")], help: "The model directory or mlpack archive to log.")
    var model: String?

    @Option(help: "Save with this flavor first (see `mlpack flavors`), then log.")
    var flavor: String?

    @Option(help: "With --flavor: the model directory or name to save.")
    var source: String?

    @Option(name: .customLong("input-example"), help: "With --flavor: an input example (JSON or CSV).")
    var inputExample: String?

    @Option(name: .customLong("run-name"), help: "The run's name (default: a random one, as MLflow).")
    var runName: String?

    @Option(name: .customLong("param"), help: "key=value, logged on the run and the model (repeatable).")
    var params: [String] = []

    @Option(name: .customLong("tag"), help: "key=value, set on the run and the model (repeatable).")
    var tags: [String] = []

    @Option(help: "Also register the model under this name (a new version).")
    var register: String?

    @Option(help: "With --register: point this alias at the new version.")
    var alias: String?

    @Option(name: .customLong("tracking-uri"), help: "The tracking store (default: $MLFLOW_TRACKING_URI, else sqlite:///mlflow.db).")
    var trackingURI: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if (model == nil) == (flavor == nil) {
            throw ValidationError("give either -m MODEL (log an existing model) or --flavor with --source (save, then log)")
        }
        if flavor != nil && source == nil { throw ValidationError("--flavor needs --source") }
        if model != nil && (source != nil || inputExample != nil) {
            throw ValidationError("--source and --input-example go with --flavor, not with -m")
        }
        if alias != nil && register == nil { throw ValidationError("--alias needs --register NAME") }
        for entry in params + tags where !entry.contains("=") {
            throw ValidationError("\(entry.prefix(60)): expected key=value")
        }
        do { try TrackingIDs.checkModelName(name) } catch { throw ValidationError("--name: \(error)") }
    }

    static func pairs(_ entries: [String]) -> [(String, String)] {
        entries.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    func run() throws {
        let start = Date()
        var temporary: TemporaryItem?
        defer { temporary?.discard() }
        let directory: URL
        if let model {
            directory = try ModelPath.directory(for: model)
        } else {
            guard let flavorName = flavor, let flavor = FlavorRegistry.shared.flavor(named: flavorName) else {
                throw CommandFailure("unknown flavor '\((flavor ?? "").prefix(60))'; expected one of: \(FlavorRegistry.shared.all.map(\.name).joined(separator: ", "))", exitCode: 2)
            }
            let example = try inputExample.map(SaveCommand.readExample)
            do {
                // A locked scratch directory in $TMPDIR (TemporaryItem): removed at the end, or by the
                // next `mlpack log` if this process is killed.
                let staging = try TemporaryItem.scratchDirectory(label: "mlpack-log-save")
                temporary = staging
                directory = try ModelSaver().save(SaveRequest(source: source!, inputExample: example), with: flavor, to: staging.url.appendingPathComponent(name))
                    .directory
            } catch {
                throw CommandFailure("\(error)")
            }
        }
        let request = ModelLogger.Request(
            experiment: experiment, name: name, runName: runName, params: Self.pairs(params), tags: Self.pairs(tags),
            registeredName: register, alias: alias, sourceName: "mlpack log")
        let trackingURI = TrackingStores.trackingURI(explicit: self.trackingURI)
        let total = UInt64((try? ModelSaver.totalFileSize(directory)) ?? 0)
        let bar = TerminalProgressBar()
        let uploaded = ByteCounter()
        let result: ModelLogger.Result
        do {
            result = try Blocking.wait {
                try await TrackingStores.withStore(uri: trackingURI) { store in
                    try await ModelLogger(store: store).log(directory: directory, request) { _, size in
                        bar.update(phase: "uploading", completed: uploaded.add(UInt64(max(0, size))), total: total)
                    }
                }
            }
            bar.finish()
        } catch {
            bar.finish()
            throw CommandFailure("log to \(trackingURI): \(error)")
        }
        let seconds = Date().timeIntervalSince(start)
        if json {
            var fields: [(String, JSONValue)] = [
                ("model_uri", .string(result.modelURI)), ("run_uri", .string(result.runURI)),
                ("model_id", .string(result.model.id)), ("run_id", .string(result.run.id)),
                ("experiment_id", .string(result.experiment.id)), ("experiment", .string(result.experiment.name)),
                ("artifact_location", .string(result.model.artifactLocation)), ("status", .string(result.model.status.rawValue)),
                ("tracking_uri", .string(trackingURI)), ("seconds", .double(seconds)),
            ]
            if let version = result.version {
                fields.append(("registered_model", .object(JSONObject([
                    ("name", .string(version.name)), ("version", .string(version.version)),
                    ("aliases", .array(version.aliases.map(JSONValue.string))),
                ]))))
            }
            Terminal.writeOutput(JSONWriter.python.string(.object(JSONObject(fields))))
        } else {
            Terminal.writeOutput("\(result.modelURI)\n\(result.runURI)")
            var summary = "logged \(result.model.name) (\(result.model.status.shortName)) to experiment \"\(result.experiment.name)\" (id \(result.experiment.id)) at \(trackingURI) in \(String(format: "%.2f", seconds)) s"
            if let version = result.version {
                summary += "\nregistered as models:/\(version.name)/\(version.version)"
                for alias in version.aliases { summary += " and models:/\(version.name)@\(alias)" }
            }
            Terminal.writeError(summary)
        }
    }
}

/// Bytes counted from several callbacks.
final class ByteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 0

    /// Adds `n`, returns the new total.
    func add(_ n: UInt64) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        value += n
        return value
    }
}
