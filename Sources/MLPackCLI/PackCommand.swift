import ArgumentParser
import Foundation
import MLPackArchive
import MLPackCore
import MLPackTracking

/// `mlpack pack`: one deterministic zip holding the model, its environment files and a manifest.
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack a model directory into one archive with its requirements and a SHA-256 manifest.",
        discussion: """
            The archive holds MLmodel at its root, every file of the model, the environment files \
            (requirements.txt, python_env.yaml, conda.yaml — generated from the flavors' defaults when \
            missing, and reported) and MLPACK-MANIFEST.json (every file with size and SHA-256, the mlpack \
            version, the flavors). The same directory always gives byte-identical archives. Weights are \
            stored, text is deflated.

            Examples:
              mlpack pack ./similarity -o similarity.zip
              mlpack pack ./similarity -o similarity.zip --force --json
            """)

    @Argument(help: "The model directory, or a models:/ or runs:/ URI.")
    var modelDirectory: String

    @Option(name: [.short, .customLong("output")], help: "The archive to write.")
    var output: String

    @Flag(help: "Overwrite an existing archive.")
    var force = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let start = Date()
        let report: PackReport
        do {
            report = try ArchivePacker.pack(
                modelDirectory: ModelURI.isTrackingURI(modelDirectory) ? try ModelPath.directory(for: modelDirectory) : URL(fileURLWithPath: modelDirectory),
                to: URL(fileURLWithPath: output),
                options: PackOptions(support: MLModelPackSupport(), overwrite: force),
                progress: Terminal.stderrIsTerminal ? TerminalProgressBar() : nil)
        } catch {
            throw CommandFailure("\(error)")
        }
        let seconds = Date().timeIntervalSince(start)
        if json {
            Terminal.writeOutput(JSONWriter.python.string(.object(JSONObject([
                ("archive", .string(report.archivePath)), ("archive_size", .int(Int64(report.archiveSize))),
                ("archive_sha256", .string(report.archiveSHA256)), ("files", .int(Int64(report.files.count))),
                ("total_bytes", .int(Int64(report.totalBytes))),
                ("generated_files", .array(report.generatedFiles.map(JSONValue.string))),
                ("flavors", .array(report.manifest.flavors.map(JSONValue.string))), ("seconds", .double(seconds)),
            ]))))
            return
        }
        for file in report.generatedFiles {
            Terminal.writeError("note: \(file) was missing; generated from the flavors' defaults")
        }
        Terminal.writeOutput(
            "packed \(report.files.count) files (\(report.totalBytes) bytes) into \(report.archivePath): \(report.archiveSize) bytes, "
                + "sha256 \(report.archiveSHA256), \(String(format: "%.2f", seconds)) s")
    }
}

/// `mlpack unpack`: verified, all-or-nothing extraction of an archive.
struct UnpackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpack",
        abstract: "Unpack an mlpack archive into a directory, refusing anything hostile or tampered.",
        discussion: """
            Refuses absolute paths, '..', symlinks, duplicate names (also case-folded), entries outside \
            the manifest, oversized entries and zip bombs; checks every CRC and SHA-256. Extracts into a \
            temporary directory next to DIR and renames it at the end: a failure leaves nothing behind.

            Examples:
              mlpack unpack similarity.zip -o ./similarity
              mlpack unpack similarity.zip -o ./similarity --force
            """)

    @Argument(help: "The archive.")
    var archive: String

    @Option(name: [.short, .customLong("output")], help: "The directory to create.")
    var output: String

    @Flag(help: "Replace an existing non-empty directory.")
    var force = false

    func run() throws {
        let start = Date()
        let report: UnpackReport
        do {
            report = try ArchiveUnpacker.unpack(
                archive: URL(fileURLWithPath: archive), to: URL(fileURLWithPath: output), force: force,
                progress: Terminal.stderrIsTerminal ? TerminalProgressBar() : nil)
        } catch {
            throw CommandFailure("\(archive): \(error)")
        }
        Terminal.writeOutput(
            "unpacked \(report.manifest.files.count) files (\(report.totalBytes) bytes) into \(report.directory) in "
                + String(format: "%.2f", Date().timeIntervalSince(start)) + " s")
    }
}
