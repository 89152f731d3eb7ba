import ArgumentParser
import MLPackCore

/// The root `mlpack` command.
public struct MLPackCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlpack",
        abstract: "Read, write, package, validate and serve MLflow-format models.",
        version: MLPack.version,
        subcommands: [])

    public init() {}
}
