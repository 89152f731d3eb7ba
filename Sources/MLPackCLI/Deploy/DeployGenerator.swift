import Foundation
import MLPackArchive
import MLPackCore

/// Writes a Docker build context with Kubernetes manifests for one model:
///
///     DIR/Dockerfile
///     DIR/.dockerignore          (keeps k8s/ out of the build context)
///     DIR/model.mlpack           the model as one archive (packed, or the given archive copied)
///     DIR/mlpack/bin/mlpack      the binary, its resource bundles
///     DIR/mlpack/lib/            every shared library it loads but glibc's
///     DIR/k8s/deployment.yaml, service.yaml, hpa.yaml, pdb.yaml
///
/// Everything is written into a temporary directory next to DIR and renamed into place at the
/// end (an existing DIR, with `force`, is swapped out and removed only after): a failure leaves
/// DIR as it was.
enum DeployGenerator {
    /// Where the model comes from.
    enum Source: Equatable {
        /// A model directory (packed into the archive).
        case directory(URL)
        /// An mlpack archive (copied after validation).
        case archive(URL)
    }

    struct Report {
        var output: URL
        var settings: DeploySettings
        var archiveSize: UInt64
        /// Whether the archive was packed here (else the given one was copied).
        var packed: Bool
        var runtime: RuntimeBundle.Report
        /// Every file written, relative to the output, sorted.
        var files: [String]
    }

    static let manifestFolder = "k8s"

    static func generate(
        source: Source, modelArgument: String, output: URL, force: Bool, binary: URL, settings: DeploySettings
    ) throws -> Report {
        let output = output.standardizedFileURL
        try checkOutput(output, source: source, force: force)
        let parent = output.deletingLastPathComponent()
        let temp = parent.appendingPathComponent(".\(output.lastPathComponent).generate-\(UUID().uuidString.prefix(8))")
        try fileSystem(temp.path, "create directory") { try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true) }
        var done = false
        defer { if !done { try? FileManager.default.removeItem(at: temp) } }

        // The archive, and the check the image build repeats.
        let archive = temp.appendingPathComponent(DockerfileTemplate.archiveFileName)
        switch source {
        case .directory(let directory):
            _ = try ArchivePacker.pack(
                modelDirectory: directory, to: archive, options: PackOptions(support: MLModelPackSupport()),
                progress: Terminal.stderrIsTerminal ? TerminalProgressBar() : nil)
        case .archive(let file):
            try fileSystem(file.path, "copy") { try FileManager.default.copyItem(at: file, to: archive) }
        }
        chmod(archive.path, 0o644)
        let findings = ModelValidator(registry: .shared).validate(modelOrArchiveAt: archive.path)
        guard findings.isValid else {
            throw DeployError.invalidModel(
                path: modelArgument,
                findings: findings.filter { $0.severity == .error }.map { "\($0)".replacingOccurrences(of: archive.path, with: DockerfileTemplate.archiveFileName) })
        }
        let manifest = try ArchiveVerifier.manifest(of: archive)
        let (digest, size) = try FileDigest.sha256(ofFile: archive.path)
        var settings = settings
        settings.model = DeploySettings.Model(flavors: manifest.flavors, archiveSHA256: digest, mlpackVersion: MLPack.version)

        let scratch = temp.appendingPathComponent(".scratch")
        try fileSystem(scratch.path, "create directory") { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) }
        let runtime = try RuntimeBundle.stage(
            binary: binary, into: temp.appendingPathComponent(DockerfileTemplate.bundleFolder), scratch: scratch)
        try fileSystem(scratch.path, "remove") { try FileManager.default.removeItem(at: scratch) }

        try write(DockerfileTemplate.render(settings), to: temp.appendingPathComponent(DockerfileTemplate.fileName))
        try write("\(manifestFolder)/\n", to: temp.appendingPathComponent(".dockerignore"))
        let k8s = temp.appendingPathComponent(manifestFolder)
        try fileSystem(k8s.path, "create directory") { try FileManager.default.createDirectory(at: k8s, withIntermediateDirectories: true) }
        for (name, text) in manifests(settings) {
            try write(text, to: k8s.appendingPathComponent(name))
        }
        let files = listFiles(temp)
        try swapIn(temp, as: output)
        done = true
        let packed: Bool
        if case .directory = source { packed = true } else { packed = false }
        return Report(output: output, settings: settings, archiveSize: size, packed: packed, runtime: runtime, files: files)
    }

    /// The Kubernetes manifests, by file name, in `kubectl apply` order.
    static func manifests(_ settings: DeploySettings) -> [(String, String)] {
        [
            (DeploymentManifest.fileName, DeploymentManifest.render(settings)),
            (ServiceManifest.fileName, ServiceManifest.render(settings)),
            (AutoscalerManifest.fileName, AutoscalerManifest.render(settings)),
            (DisruptionBudgetManifest.fileName, DisruptionBudgetManifest.render(settings)),
        ]
    }

    /// The name of the Kubernetes objects for a model argument: a registered model's name, a run
    /// artifact's last path component, or a directory's or archive's name without extension.
    static func defaultName(for argument: String) -> String {
        var base = argument
        if argument.hasPrefix("models:/") {
            base = String(argument.dropFirst("models:/".count).split(separator: "/").first ?? "")
            base = String(base.split(separator: "@").first ?? "")
        } else if argument.hasPrefix("runs:/") {
            base = argument.split(separator: "/").last.map(String.init) ?? ""
        } else {
            let path = argument.hasPrefix("file:") ? FileURI.path(argument) : argument
            base = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
            for suffix in [".mlpack", ".zip"] where base.lowercased().hasSuffix(suffix) { base = String(base.dropLast(suffix.count)) }
        }
        return DeploySettings.dnsLabel(from: base) ?? "model"
    }

    // MARK: Files

    private static func checkOutput(_ output: URL, source: Source, force: Bool) throws(DeployError) {
        let model: URL
        switch source {
        case .directory(let url), .archive(let url): model = url
        }
        let out = output.resolvingSymlinksInPath().path, input = model.standardizedFileURL.resolvingSymlinksInPath().path
        if out == input || out.hasPrefix(input + "/") { throw .outputInsideInput(output: output.path, input: input) }
        if input.hasPrefix(out + "/") {
            throw .invalidOption(option: "--output", value: output.path, reason: "holds the model \(input); replacing it would delete the model")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw .invalidOption(option: "--output", value: output.path, reason: "exists and is not a directory")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: output.path)) ?? []
        if !entries.isEmpty && !force { throw .outputNotEmpty(path: output.path) }
    }

    /// Renames `temp` to `output`; an existing `output` is renamed aside first and removed after.
    private static func swapIn(_ temp: URL, as output: URL) throws(DeployError) {
        let aside = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
        let existed = FileManager.default.fileExists(atPath: output.path)
        if existed, rename(output.path, aside.path) != 0 {
            throw .fileSystem(path: output.path, operation: "move aside", reason: String(cString: strerror(errno)))
        }
        if rename(temp.path, output.path) != 0 {
            let reason = String(cString: strerror(errno))
            if existed { _ = rename(aside.path, output.path) }
            throw .fileSystem(path: output.path, operation: "rename \(temp.path) to", reason: reason)
        }
        if existed { try? FileManager.default.removeItem(at: aside) }
    }

    private static func write(_ text: String, to url: URL) throws(DeployError) {
        try fileSystem(url.path, "write") { try Data(text.utf8).write(to: url) }
    }

    private static func fileSystem(_ path: String, _ operation: String, _ body: () throws -> Void) throws(DeployError) {
        do { try body() } catch { throw .fileSystem(path: path, operation: operation, reason: "\(error)") }
    }

    private static func listFiles(_ root: URL) -> [String] {
        var files: [String] = []
        if let walker = FileManager.default.enumerator(atPath: root.path) {
            while let relative = walker.nextObject() as? String {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: root.path + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                    files.append(relative)
                }
            }
        }
        return files.sorted()
    }
}
