import ArgumentParser
import Foundation
import MLPackTestSupport
import Testing
@testable import MLPackCLI

/// Every command's help: the usage line, an Examples section, and the options a user needs.
struct HelpOutputTests {
    @Test func rootHelpListsEveryCommand() {
        let help = MLPackCommand.helpMessage()
        for name in ["save", "load", "predict", "infer-signature", "check-input", "pack", "unpack", "validate", "flavors", "serve", "generate-dockerfile", "log", "models", "experiments"] {
            #expect(help.contains("  \(name) "), "\(name) missing from:\n\(help)")
        }
        #expect(help.hasPrefix("OVERVIEW: Read, write, package, validate and serve MLflow-format models."))
    }

    @Test(arguments: [
        (SaveCommand.self as any ParsableCommand.Type, "USAGE: mlpack save --flavor <flavor> --source <source> --output <output>", ["--input-example", "--pip-requirements", "--extra-pip-requirements", "--metadata"]),
        (LoadCommand.self, "USAGE: mlpack load <model>", ["--json"]),
        (PredictCommand.self, "USAGE: mlpack predict --model <model>", ["--content-type", "--params", "--output", "jsonl"]),
        (InferSignatureCommand.self, "USAGE: mlpack infer-signature --input <input>", ["--output-sample", "--params", "--format"]),
        (CheckInputCommand.self, "USAGE: mlpack check-input", ["--content-type"]),
        (PackCommand.self, "USAGE: mlpack pack <model-directory> --output <output>", ["--force"]),
        (UnpackCommand.self, "USAGE: mlpack unpack <archive> --output <output>", ["--force"]),
        (ValidateCommand.self, "USAGE: mlpack validate <path>", ["--json"]),
        (FlavorsCommand.self, "USAGE: mlpack flavors", ["--json"]),
        (ServeCommand.self, "USAGE: mlpack serve [<options>] --model <model>", ["--port", "--max-batch-size", "--api-key"]),
        (GenerateDockerfileCommand.self, "USAGE: mlpack generate-dockerfile [<options>] --model <model> --output <output>", ["--binary", "--image", "--replicas", "--cpu", "--memory", "--drain-seconds", "--force"]),
        (LogCommand.self, "USAGE: mlpack log [<options>] --name <name>", ["--experiment", "--model", "--flavor", "--register", "--alias", "--param", "--tag", "--tracking-uri", "--json"]),
        (ModelsCommand.ListModels.self, "USAGE: mlpack models list", ["--experiment", "--tracking-uri", "--json"]),
        (ExperimentsCommand.ListExperiments.self, "USAGE: mlpack experiments list", ["--tracking-uri", "--json"]),
    ])
    func commandHelp(_ command: any ParsableCommand.Type, _ usage: String, _ options: [String]) {
        let help = MLPackCommand.helpMessage(for: command, columns: 200)
        #expect(help.contains(usage), "\(help)")
        #expect(help.contains("Examples:"), "\(command) has no examples")
        for option in options { #expect(help.contains(option), "\(command) help lacks \(option)") }
    }

    /// The whole help text of every command, compared with its snapshot in
    /// Tests/MLPackCLITests/Snapshots (as swift-argument-parser's own tests do). After a deliberate
    /// change, run once with MLPACK_RECORD_SNAPSHOTS=1 to rewrite them, and review the diff.
    @Test(arguments: [MLPackCommand.self as any ParsableCommand.Type] + MLPackCommand.configuration.subcommands
        + [ModelsCommand.ListModels.self, ExperimentsCommand.ListExperiments.self])
    func helpMatchesItsSnapshot(_ command: any ParsableCommand.Type) throws {
        let help = MLPackCommand.helpMessage(for: command, columns: 100) + "\n"
        let nested: [ObjectIdentifier: String] = [
            ObjectIdentifier(ModelsCommand.ListModels.self): "models-list",
            ObjectIdentifier(ExperimentsCommand.ListExperiments.self): "experiments-list",
        ]
        let name = command == MLPackCommand.self ? "mlpack" : nested[ObjectIdentifier(command)] ?? command.configuration.commandName ?? "\(command)"
        let file = TestFixtures.repoRoot.appendingPathComponent("Tests/MLPackCLITests/Snapshots/help-\(name).txt")
        if ProcessInfo.processInfo.environment["MLPACK_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try help.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded \(file.lastPathComponent); run again without MLPACK_RECORD_SNAPSHOTS")
            return
        }
        let snapshot = try String(contentsOf: file, encoding: .utf8)
        #expect(help == snapshot, "\(name) help changed; if deliberate, re-record (see this test's comment):\n\(help)")
    }
}
