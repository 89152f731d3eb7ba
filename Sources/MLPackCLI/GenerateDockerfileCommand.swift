import ArgumentParser
import Foundation
import MLPackArchive
import MLPackCore
import MLPackTracking

/// `mlpack generate-dockerfile`: a Docker build context and Kubernetes manifests for one model
/// (MLflow's `mlflow models generate-dockerfile`, without Python).
struct GenerateDockerfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-dockerfile",
        abstract: "Write a Docker build context (Dockerfile, model archive, mlpack binary) and Kubernetes manifests for a model.",
        discussion: """
            DIR receives: Dockerfile (debian:bookworm-slim, no apt packages, a non-root user with UID \
            \(DeploySettings.uid), `mlpack validate` of the archive at build time, EXPOSE \
            \(DeploySettings.containerPort), a HEALTHCHECK on /health, `mlpack serve` as the command); \
            model.mlpack (the model packed as by `mlpack pack`, or the given archive, validated); \
            mlpack/ (bin/mlpack and lib/ with every shared library it loads except glibc's: a release \
            tarball's own, or copied from where ldd finds them); k8s/deployment.yaml, service.yaml, \
            hpa.yaml, pdb.yaml (init containers validate and unpack the archive into an emptyDir; probes \
            on /ping and /health; preStop sleep, drain and request timeout within the grace period; \
            requests == limits; --threads from the CPU limit). A non-empty DIR is refused unless \
            --force; DIR is written in full or not at all. See deploy/README.md.

            Examples:
              mlpack generate-dockerfile -m ./similarity -o deploy-similarity
              mlpack generate-dockerfile -m models:/similarity@champion -o build \\
                --binary dist/mlpack-0.1.0-linux-x86_64.tar.gz --image registry.example.com/ml/similarity:1 \\
                --replicas 3 --cpu 2 --memory 2Gi
              docker build -t mlpack-similarity:latest deploy-similarity
              kubectl apply -f deploy-similarity/k8s/
            """)

    @Option(name: [.short, .customLong("model")], help: "Model directory, mlpack archive, or models:/ or runs:/ URI.")
    var model: String

    @Option(name: [.short, .customLong("output")], help: "The directory to write (created).")
    var output: String

    @Flag(help: "Replace an existing non-empty output directory.")
    var force = false

    @Option(
        help: ArgumentHelp(
            "The mlpack to put in the image: an executable, or a release tarball of scripts/build-release.sh.",
            discussion: "Default: this mlpack (/proc/self/exe). A release tarball is self-contained; for a plain binary the shared libraries are copied from this machine."))
    var binary: String?

    @Option(help: "Name of the Kubernetes objects (a DNS-1035 label; default: from the model's name or path).")
    var name: String?

    @Option(help: "The image the manifests run (default: mlpack-<name>:latest).")
    var image: String?

    @Option(help: "The Dockerfile's base image (Debian 12 or newer: glibc 2.36, bash).")
    var baseImage = "debian:bookworm-slim"

    @Option(help: "Fewest replicas (the autoscaler's minimum).")
    var replicas = 2

    @Option(help: "Most replicas the autoscaler may run (default: 10, or --replicas if larger).")
    var maxReplicas: Int?

    @Option(help: "CPU request and limit per pod (2, 0.5, 1500m); the server's --threads is this rounded up.")
    var cpu = "2"

    @Option(help: "Memory request and limit per pod (512Mi, 2Gi).")
    var memory = "1Gi"

    @Option(help: "The autoscaler's target: average CPU use, percent of the request.")
    var targetCpuUtilization = 70

    @Option(help: "Seconds the preStop hook sleeps before SIGTERM (endpoint removal reaching every proxy).")
    var preStopSeconds = 5

    @Option(help: "serve --drain-seconds: after SIGTERM, seconds of serving with /ping and /health answering 503.")
    var drainSeconds = 10

    @Option(help: "serve --timeout: seconds a request may take.")
    var timeout = 60

    func run() throws {
        do {
            try generate()
        } catch let error as DeployError {
            throw CommandFailure("\(error)")
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    private func generate() throws {
        if let name, !DeploySettings.isDNSLabel(name) {
            throw DeployError.invalidOption(
                option: "--name", value: name,
                reason: "expected a DNS-1035 label: lower-case letters, digits and '-', starting with a letter, at most 63 characters")
        }
        // Options first: nothing is packed or copied for a bad value.
        let settings = try DeploySettings(
            name: name ?? DeployGenerator.defaultName(for: model), image: image, replicas: replicas, maxReplicas: maxReplicas,
            cpu: cpu, memory: memory, targetCPUUtilization: targetCpuUtilization, preStopSeconds: preStopSeconds,
            drainSeconds: drainSeconds, timeoutSeconds: timeout, baseImage: baseImage,
            model: .init(flavors: [], archiveSHA256: "", mlpackVersion: MLPack.version))
        let binaryURL = try binary.map { URL(fileURLWithPath: $0) } ?? RuntimeBundle.runningExecutable()
        let report = try DeployGenerator.generate(
            source: try source(), modelArgument: model, output: URL(fileURLWithPath: output), force: force,
            binary: binaryURL, settings: settings)

        let s = report.settings
        let dir = output
        Terminal.writeOutput("""
            wrote \(report.output.path) (\(report.files.count) files):
              Dockerfile           FROM \(s.baseImage), user \(DeploySettings.uid), serves on port \(DeploySettings.containerPort)
              model.mlpack         \(report.archiveSize) bytes, sha256 \(s.model.archiveSHA256) (\(report.packed ? "packed" : "copied"), validated)
              mlpack/              mlpack \(report.runtime.version) from \(report.runtime.source)\(report.runtime.fromRelease ? " (release)" : ""), \(report.runtime.libraries.count) shared libraries
              k8s/                 \(DeployGenerator.manifests(s).map(\.0).joined(separator: ", ")) for '\(s.name)': \(s.replicas)-\(s.maxReplicas) replicas of cpu \(s.cpu) / memory \(s.memory), --threads \(s.threads), grace \(s.terminationGracePeriodSeconds) s
            next:
              docker build -t \(s.image) \(dir)
              docker push \(s.image)
              kubectl apply -f \(dir)/k8s/
            """)
    }

    /// The model as a directory to pack or an archive to copy (ModelPath's rules for -m).
    private func source() throws -> DeployGenerator.Source {
        if ModelURI.isTrackingURI(model) { return .directory(try ModelPath.directory(for: model)) }
        let path = model.hasPrefix("file:") ? FileURI.path(model) : model
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CommandFailure("\(path): no such file or directory")
        }
        if isDirectory.boolValue { return .directory(url) }
        guard ArchiveCache.isArchive(url) else {
            throw CommandFailure("\(path): not a model directory or an mlpack archive (.zip)")
        }
        return .archive(url)
    }
}
