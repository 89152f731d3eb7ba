import ArgumentParser
import Foundation
import MLPackCore

/// A parsed command handed to the thread that runs it (used by that thread only).
private struct UncheckedCommand: @unchecked Sendable {
    var command: any ParsableCommand
}

/// The root `mlpack` command.
///
/// Exit codes, the same for every subcommand: `0` success, `1` bad input or bad model
/// (the error is printed on stderr), `2` usage error (unknown flag, missing argument).
public struct MLPackCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlpack",
        abstract: "Read, write, package, validate and serve MLflow-format models.",
        discussion: """
            mlpack reads and writes MLflow model directories byte-compatibly with MLflow \
            \(MLPack.mlflowCompatibleVersion) and runs sentence-transformer models natively.
            """,
        version: MLPack.version,
        subcommands: [
            SaveCommand.self, LoadCommand.self, PredictCommand.self, InferSignatureCommand.self,
            CheckInputCommand.self, PackCommand.self, UnpackCommand.self, ValidateCommand.self, FlavorsCommand.self,
            ServeCommand.self, GenerateDockerfileCommand.self, LogCommand.self, ModelsCommand.self, ExperimentsCommand.self,
        ])

    public init() {}

    /// Parses `arguments` (the process arguments when `nil`), runs the command and returns the
    /// process exit code, writing normal output to stdout and errors to stderr.
    public static func runMain(_ arguments: [String]? = nil) async -> Int32 {
        BuiltInFlavors.bootstrap()
        do {
            let command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                // Synchronous commands block (model loading, BLAS, file I/O): on a thread of their
                // own, never on the cooperative pool; they may wait there for async work (downloads).
                let box = UncheckedCommand(command: command)
                try await Blocking.run { var command = box.command; try command.run() }
            }
            return 0
        } catch let failure as CommandFailure {
            Terminal.writeError("error: \(failure.message)")
            return failure.exitCode
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help / --version
                Terminal.writeOutput(fullMessage(for: error))
                return 0
            }
            Terminal.writeError(fullMessage(for: error))
            // ArgumentParser reports usage errors with EX_USAGE (64); mlpack uses 2.
            return code == .validationFailure ? 2 : (code.rawValue == 0 ? 1 : code.rawValue)
        }
    }
}
