import ArgumentParser
import Foundation
import MLPackArchive
import MLPackCore
import MLPackTracking

/// `mlpack validate PATH`: checks a model directory the way MLflow's loaders would, and whether
/// mlpack can run it natively.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a model directory or archive: MLmodel, signature, input example, files, flavors, manifest.",
        discussion: """
            Prints one finding per line (error, warning or info, with the file and key at fault) and \
            exits 0 when there is no error, 1 otherwise.

            Examples:
              mlpack validate ./similarity-model
              mlpack validate similarity.zip --json
            """)

    @Argument(help: "The model directory, mlpack archive, or models:/ or runs:/ URI.")
    var path: String

    @Flag(help: "Print the findings as JSON.")
    var json = false

    @Flag(name: .long, help: "Print only warnings and errors.")
    var quiet = false

    func run() throws {
        // A tracking URI is validated in the form it arrives in: the downloaded directory.
        let target = ModelURI.isTrackingURI(path) ? try ModelPath.directory(for: path).path : path
        let findings = ModelValidator(registry: .shared).validate(modelOrArchiveAt: target)
        if json {
            let body = JSONValue.object(JSONObject([
                ("path", .string(path)), ("valid", .bool(findings.isValid)),
                ("findings", .array(findings.map(\.json))),
            ]))
            Terminal.writeOutput(JSONWriter.python.string(body))
        } else {
            for finding in findings where !(quiet && finding.severity == .info) {
                Terminal.writeOutput(finding.description)
            }
            Terminal.writeOutput("\(path): \(findings.isValid ? "valid" : "INVALID")")
        }
        if !findings.isValid { throw ExitCode(1) }
    }
}
