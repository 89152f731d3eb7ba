import ArgumentParser
import Testing
@testable import MLPackCLI

/// Every command's help: the usage line, an Examples section, and the options a user needs.
struct HelpOutputTests {
    @Test func rootHelpListsEveryCommand() {
        let help = MLPackCommand.helpMessage()
        for name in ["save", "load", "predict", "infer-signature", "check-input", "pack", "unpack", "validate", "flavors", "serve"] {
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
    ])
    func commandHelp(_ command: any ParsableCommand.Type, _ usage: String, _ options: [String]) {
        let help = MLPackCommand.helpMessage(for: command, columns: 200)
        #expect(help.contains(usage), "\(help)")
        #expect(help.contains("Examples:"), "\(command) has no examples")
        for option in options { #expect(help.contains(option), "\(command) help lacks \(option)") }
    }
}
