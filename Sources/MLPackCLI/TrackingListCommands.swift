import ArgumentParser
import Foundation
import MLPackCore
import MLPackTracking

/// Options shared by the commands that read a tracking store.
struct TrackingOptions: ParsableArguments {
    @Option(name: .customLong("tracking-uri"), help: "The tracking store (default: $MLFLOW_TRACKING_URI, else sqlite:///mlflow.db).")
    var trackingURI: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    /// Runs `body` against the store, closing it afterwards; errors name the store.
    func withStore<T: Sendable>(_ body: @escaping @Sendable (any TrackingStore) async throws -> T) throws -> T {
        let uri = TrackingStores.trackingURI(explicit: trackingURI)
        do {
            return try Blocking.wait { try await TrackingStores.withStore(uri: uri, body) }
        } catch {
            throw CommandFailure("\(uri): \(error)")
        }
    }
}

/// A plain text table: columns padded to their widest cell.
enum TextTable {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS` UTC.
    static func time(_ ms: Int64?) -> String {
        guard let ms else { return "" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}

/// `mlpack models`: logged models in a tracking store.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the logged models of a tracking store.",
        subcommands: [ListModels.self])

    struct ListModels: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List logged models (newest first): name, id, status, run, created.",
            discussion: """
                Examples:
                  mlpack models list
                  mlpack models list --experiment Similarity --json
                """)

        @Option(help: "Only this experiment's models (by name).")
        var experiment: String?

        @OptionGroup var tracking: TrackingOptions

        func run() throws {
            let experiment = self.experiment
            let models = try tracking.withStore { store -> [LoggedModel] in
                var ids: [String] = []
                if let experiment {
                    guard let found = try await store.experiment(named: experiment) else {
                        throw TrackingError.notFound(what: "experiment \"\(experiment)\"", detail: "no experiment of that name")
                    }
                    ids = [found.id]
                }
                return try await store.searchLoggedModels(experimentIDs: ids)
            }
            if tracking.json {
                Terminal.writeOutput(JSONWriter.python.string(.array(models.map { m in
                    .object(JSONObject([
                        ("model_id", .string(m.id)), ("name", .string(m.name)), ("experiment_id", .string(m.experimentID)),
                        ("status", .string(m.status.rawValue)), ("source_run_id", m.sourceRunID.map(JSONValue.string) ?? .null),
                        ("artifact_location", .string(m.artifactLocation)), ("creation_timestamp_ms", .int(m.creationTimestampMS)),
                        ("model_uri", .string(m.uri)),
                    ]))
                })))
                return
            }
            Terminal.writeOutput(TextTable.render(
                ["NAME", "MODEL ID", "STATUS", "EXPERIMENT", "RUN", "CREATED (UTC)"],
                models.map { [$0.name, $0.id, $0.status.shortName, $0.experimentID, $0.sourceRunID ?? "-", TextTable.time($0.creationTimestampMS)] }))
        }
    }
}

/// `mlpack experiments`: experiments of a tracking store.
struct ExperimentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiments",
        abstract: "List the experiments of a tracking store.",
        subcommands: [ListExperiments.self])

    struct ListExperiments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List active experiments: id, name, artifact location, created.",
            discussion: """
                Examples:
                  mlpack experiments list
                  MLFLOW_TRACKING_URI=http://127.0.0.1:5000 mlpack experiments list --json
                """)

        @OptionGroup var tracking: TrackingOptions

        func run() throws {
            let experiments = try tracking.withStore { try await $0.experiments() }
            if tracking.json {
                Terminal.writeOutput(JSONWriter.python.string(.array(experiments.map { e in
                    .object(JSONObject([
                        ("experiment_id", .string(e.id)), ("name", .string(e.name)), ("artifact_location", .string(e.artifactLocation)),
                        ("lifecycle_stage", .string(e.lifecycleStage)), ("creation_time", e.creationTime.map(JSONValue.int) ?? .null),
                    ]))
                })))
                return
            }
            Terminal.writeOutput(TextTable.render(
                ["ID", "NAME", "ARTIFACT LOCATION", "CREATED (UTC)"],
                experiments.map { [$0.id, $0.name, $0.artifactLocation, TextTable.time($0.creationTime)] }))
        }
    }
}
