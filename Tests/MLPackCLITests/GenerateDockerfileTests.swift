import Foundation
import MLPackTestSupport
import MLPackYAML
import Testing
@testable import MLPackCLI

/// `mlpack generate-dockerfile` through the real binary on the tiny BERT similarity model: the build
/// context (archive, bundled binary and libraries, Dockerfile) and the Kubernetes manifests, read
/// back with MLPackYAML.
@Suite(.serialized) struct GenerateDockerfileTests {
    /// A saved similarity model in `temp/name`.
    static func saveModel(in temp: URL, name: String = "sim") throws -> URL {
        let model = temp.appendingPathComponent(name)
        let save = try CLIRunner.run(["save", "--flavor", "similarity", "--source", TestFixtures.tinyBERT.path, "-o", model.path,
                                      "--input-example", TestFixtures.tutorial.appendingPathComponent("input_example.json").path])
        #expect(save.status == 0, "\(save.stderr)")
        return model
    }

    static func yaml(_ url: URL) throws -> YAMLValue {
        try #require(try YAMLParser.parseValue(String(contentsOf: url, encoding: .utf8), file: url.path))
    }

    /// The value at `path` (mapping keys and sequence indices).
    static func at(_ value: YAMLValue?, _ path: Any...) -> YAMLValue? {
        var current = value
        for step in path {
            switch step {
            case let key as String: current = current?.mappingValue?[key]
            case let index as Int:
                guard let items = current?.sequenceValue, items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }

    static func strings(_ value: YAMLValue?) -> [String]? { value?.sequenceValue?.compactMap(\.stringValue) }

    /// The exec-form JSON array after `instruction` in the Dockerfile.
    static func execForm(_ dockerfile: String, _ instruction: String) throws -> [String] {
        let line = try #require(dockerfile.split(separator: "\n").first { $0.hasPrefix(instruction + " [") }, "no \(instruction) in:\n\(dockerfile)")
        return try JSONDecoder().decode([String].self, from: Data(line.dropFirst(instruction.count + 1).utf8))
    }

    @Test func buildContextAndManifestsForASavedModel() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.saveModel(in: temp)
        let out = temp.appendingPathComponent("deploy")
        let run = try CLIRunner.run(["generate-dockerfile", "-m", model.path, "-o", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("kubectl apply -f \(out.path)/k8s/"), "\(run.stdout)")

        // model.mlpack is what `mlpack pack` makes of the directory (the packer is deterministic), and validates.
        let packed = temp.appendingPathComponent("sim.mlpack")
        #expect(try CLIRunner.run(["pack", model.path, "-o", packed.path]).status == 0)
        let archive = out.appendingPathComponent("model.mlpack")
        #expect(try Data(contentsOf: archive) == Data(contentsOf: packed))
        #expect(try CLIRunner.run(["validate", archive.path]).status == 0)

        // The bundle: the binary, and the libraries mlpack's C modules need, runnable with lib/ alone
        // (what the Dockerfile's RUN validate does in the image).
        let bundle = out.appendingPathComponent("mlpack")
        let libraries = try FileManager.default.contentsOfDirectory(atPath: bundle.appendingPathComponent("lib").path)
        for soname in ["libyaml-0.so.2", "libzip.so.4", "libopenblas.so.0", "libsqlite3.so.0"] {
            #expect(libraries.contains(soname), "\(soname) not bundled: \(libraries.sorted())")
        }
        #expect(!libraries.contains { RuntimeBundle.isGlibc($0) }, "glibc is the base image's: \(libraries)")
        let inImage = try ExternalTool.run(
            bundle.appendingPathComponent("bin/mlpack").path, ["validate", "--quiet", archive.path],
            environment: ["LD_LIBRARY_PATH": bundle.appendingPathComponent("lib").path, "PATH": "/usr/bin:/bin"])
        #expect(inImage.status == 0, "\(inImage.stdout)\(inImage.stderr)")
        for (soname, path) in try RuntimeBundle.dependencies(
            of: bundle.appendingPathComponent("bin/mlpack"), environment: ["LD_LIBRARY_PATH": bundle.appendingPathComponent("lib").path])
        where !RuntimeBundle.isGlibc(soname) {
            #expect(URL(fileURLWithPath: path).resolvingSymlinksInPath().path.hasPrefix(bundle.resolvingSymlinksInPath().path + "/lib/"),
                    "\(soname) loads from \(path), outside the bundle")
        }

        // Dockerfile.
        let dockerfile = try String(contentsOf: out.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let instructions = dockerfile.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix(" ") && !$0.isEmpty }
        #expect(instructions.first == "FROM debian:bookworm-slim", "\(dockerfile)")
        #expect(!dockerfile.contains("apt-get"), "no apt packages: the libraries travel in mlpack/lib")
        #expect(dockerfile.contains("useradd --no-log-init --uid 10001 --gid 10001"))
        #expect(instructions.contains("USER 10001:10001"))
        #expect(instructions.contains("COPY mlpack/ /opt/mlpack/"))
        #expect(instructions.contains("COPY model.mlpack /opt/mlpack/model.mlpack"))
        #expect(dockerfile.contains("LD_LIBRARY_PATH=/opt/mlpack/lib"))
        #expect(instructions.contains("EXPOSE 8080"))
        #expect(try Self.execForm(dockerfile, "RUN") == ["/opt/mlpack/bin/mlpack", "validate", "--quiet", "/opt/mlpack/model.mlpack"])
        #expect(try Self.execForm(dockerfile, "ENTRYPOINT") == ["/opt/mlpack/bin/mlpack"])
        #expect(try Self.execForm(dockerfile, "CMD") == [
            "serve", "-m", "/opt/mlpack/model.mlpack", "--host", "0.0.0.0", "--port", "8080", "--drain-seconds", "10", "--timeout", "60",
        ])
        let userLine = try #require(instructions.firstIndex(of: "USER 10001:10001"))
        let validateLine = try #require(instructions.firstIndex { $0.hasPrefix("RUN [") })
        #expect(userLine < validateLine, "validates as the unprivileged user")
        #expect(dockerfile.contains("HEALTHCHECK --interval=30s"))
        #expect(try String(contentsOf: out.appendingPathComponent(".dockerignore"), encoding: .utf8) == "k8s/\n")

        // Deployment.
        let k8s = out.appendingPathComponent("k8s")
        #expect(try FileManager.default.contentsOfDirectory(atPath: k8s.path).sorted() == ["deployment.yaml", "hpa.yaml", "pdb.yaml", "service.yaml"])
        let deployment = try Self.yaml(k8s.appendingPathComponent("deployment.yaml"))
        #expect(Self.at(deployment, "apiVersion") == .string("apps/v1"))
        #expect(Self.at(deployment, "kind") == .string("Deployment"))
        #expect(Self.at(deployment, "metadata", "name") == .string("sim"))
        #expect(Self.at(deployment, "spec", "replicas") == nil, "the autoscaler owns the replica count")
        let selector = try #require(Self.at(deployment, "spec", "selector", "matchLabels")?.mappingValue)
        let podLabels = try #require(Self.at(deployment, "spec", "template", "metadata", "labels")?.mappingValue)
        for entry in selector.entries { #expect(podLabels[entry.key] == entry.value) }
        let annotations = Self.at(deployment, "spec", "template", "metadata", "annotations")
        #expect(Self.at(annotations, "prometheus.io/scrape") == .string("true"), "a string, not a YAML bool")
        #expect(Self.at(annotations, "prometheus.io/port") == .string("8080"), "a string, not a YAML int")
        #expect(Self.at(annotations, "prometheus.io/path") == .string("/metrics"))
        #expect(Self.at(annotations, "mlpack/flavors") == .string("python_function,similarity"))
        let sha = try #require(run.stdout.split(separator: " ").first { $0.count == 64 }.map(String.init))
        #expect(Self.at(annotations, "mlpack/model-sha256") == .string(sha))

        let pod = Self.at(deployment, "spec", "template", "spec")
        #expect(Self.at(pod, "terminationGracePeriodSeconds") == .int(5 + 10 + 60 + 5))
        #expect(Self.at(pod, "securityContext", "runAsNonRoot") == .bool(true))
        #expect(Self.at(pod, "securityContext", "runAsUser") == .int(10001))
        #expect(Self.strings(Self.at(pod, "initContainers", 0, "args")) == ["validate", "--quiet", "/opt/mlpack/model.mlpack"])
        #expect(Self.strings(Self.at(pod, "initContainers", 1, "args")) == ["unpack", "/opt/mlpack/model.mlpack", "-o", "/var/lib/mlpack/model", "--force"])
        #expect(Self.at(pod, "initContainers", 1, "volumeMounts", 0, "mountPath") == .string("/var/lib/mlpack"))
        #expect(Self.at(pod, "initContainers", 1, "volumeMounts", 0, "readOnly") == nil)
        #expect(Self.at(pod, "volumes", 0, "name") == .string("model"))
        #expect(Self.at(pod, "volumes", 0, "emptyDir")?.mappingValue?.isEmpty == true)

        let server = Self.at(pod, "containers", 0)
        #expect(Self.at(server, "image") == .string("mlpack-sim:latest"))
        #expect(Self.at(server, "imagePullPolicy") == .string("Always"))
        #expect(Self.strings(Self.at(server, "command")) == ["/opt/mlpack/bin/mlpack"])
        #expect(Self.strings(Self.at(server, "args")) == [
            "serve", "-m", "/var/lib/mlpack/model", "--host", "0.0.0.0", "--port", "8080", "--threads", "2",
            "--drain-seconds", "10", "--timeout", "60", "--public-metrics",
        ])
        #expect(Self.at(server, "ports", 0, "name") == .string("http"))
        #expect(Self.at(server, "ports", 0, "containerPort") == .int(8080))
        #expect(Self.at(server, "readinessProbe", "httpGet", "path") == .string("/ping"))
        #expect(Self.at(server, "startupProbe", "httpGet", "path") == .string("/ping"))
        #expect(Self.at(server, "livenessProbe", "httpGet", "path") == .string("/health"))
        #expect(Self.strings(Self.at(server, "lifecycle", "preStop", "exec", "command")) == ["/bin/sleep", "5"])
        #expect(Self.at(server, "resources", "requests") == Self.at(server, "resources", "limits"))
        #expect(Self.at(server, "resources", "limits", "cpu") == .string("2"))
        #expect(Self.at(server, "resources", "limits", "memory") == .string("1Gi"))
        for container in [server, Self.at(pod, "initContainers", 0), Self.at(pod, "initContainers", 1)] {
            let security = Self.at(container, "securityContext")
            #expect(Self.at(security, "runAsNonRoot") == .bool(true))
            #expect(Self.at(security, "readOnlyRootFilesystem") == .bool(true))
            #expect(Self.at(security, "allowPrivilegeEscalation") == .bool(false))
            #expect(Self.strings(Self.at(security, "capabilities", "drop")) == ["ALL"])
            #expect(Self.at(container, "resources", "requests") == Self.at(server, "resources", "limits"), "Guaranteed QoS needs every container's")
        }
        #expect(Self.at(server, "volumeMounts", 0, "readOnly") == .bool(true))

        // Service, autoscaler, disruption budget.
        let service = try Self.yaml(k8s.appendingPathComponent("service.yaml"))
        #expect(Self.at(service, "kind") == .string("Service"))
        #expect(Self.at(service, "spec", "type") == .string("ClusterIP"))
        #expect(Self.at(service, "spec", "ports", 0, "port") == .int(80))
        #expect(Self.at(service, "spec", "ports", 0, "targetPort") == .string("http"))
        #expect(Self.at(service, "spec", "selector")?.mappingValue == selector)
        let hpa = try Self.yaml(k8s.appendingPathComponent("hpa.yaml"))
        #expect(Self.at(hpa, "apiVersion") == .string("autoscaling/v2"))
        #expect(Self.at(hpa, "spec", "scaleTargetRef", "kind") == .string("Deployment"))
        #expect(Self.at(hpa, "spec", "scaleTargetRef", "name") == .string("sim"))
        #expect(Self.at(hpa, "spec", "minReplicas") == .int(2))
        #expect(Self.at(hpa, "spec", "maxReplicas") == .int(10))
        #expect(Self.at(hpa, "spec", "metrics", 0, "resource", "name") == .string("cpu"))
        #expect(Self.at(hpa, "spec", "metrics", 0, "resource", "target", "averageUtilization") == .int(70))
        let pdb = try Self.yaml(k8s.appendingPathComponent("pdb.yaml"))
        #expect(Self.at(pdb, "apiVersion") == .string("policy/v1"))
        #expect(Self.at(pdb, "kind") == .string("PodDisruptionBudget"))
        #expect(Self.at(pdb, "spec", "maxUnavailable") == .int(1))
        #expect(Self.at(pdb, "spec", "selector", "matchLabels")?.mappingValue == selector)

        // A non-empty directory is refused and left as it was; --force replaces it whole, and the
        // same model gives the same text.
        let texts = try ["Dockerfile", "k8s/deployment.yaml", "k8s/service.yaml", "k8s/hpa.yaml", "k8s/pdb.yaml"].map {
            try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8)
        }
        try "keep".write(to: out.appendingPathComponent("marker"), atomically: true, encoding: .utf8)
        let refused = try CLIRunner.run(["generate-dockerfile", "-m", model.path, "-o", out.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not empty; use --force"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("marker").path))
        let forced = try CLIRunner.run(["generate-dockerfile", "-m", model.path, "-o", out.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("marker").path))
        let again = try ["Dockerfile", "k8s/deployment.yaml", "k8s/service.yaml", "k8s/hpa.yaml", "k8s/pdb.yaml"].map {
            try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8)
        }
        #expect(again == texts)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: temp.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary directories left behind: \(leftovers)")
    }

    @Test func optionsReachTheManifests() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        // A model called "Yes": the name must stay a string in YAML 1.1 (where yes is true).
        let model = try Self.saveModel(in: temp, name: "Yes")
        let archive = temp.appendingPathComponent("Yes.mlpack")
        #expect(try CLIRunner.run(["pack", model.path, "-o", archive.path]).status == 0)
        let out = temp.appendingPathComponent("deploy")
        let run = try CLIRunner.run([
            "generate-dockerfile", "-m", archive.path, "-o", out.path, "--cpu", "1500m", "--memory", "2Gi", "--replicas", "3",
            "--max-replicas", "4", "--target-cpu-utilization", "60", "--pre-stop-seconds", "3", "--drain-seconds", "7",
            "--timeout", "30", "--image", "registry.example.com:5000/ml/yes:1.2",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("(copied, validated)"), "\(run.stdout)")
        #expect(try Data(contentsOf: out.appendingPathComponent("model.mlpack")) == Data(contentsOf: archive), "an archive is copied as it is")

        let deployment = try Self.yaml(out.appendingPathComponent("k8s/deployment.yaml"))
        #expect(Self.at(deployment, "metadata", "name") == .string("yes"))
        let pod = Self.at(deployment, "spec", "template", "spec")
        let server = Self.at(pod, "containers", 0)
        #expect(Self.at(server, "image") == .string("registry.example.com:5000/ml/yes:1.2"))
        #expect(Self.at(server, "imagePullPolicy") == .string("IfNotPresent"))
        #expect(Self.at(server, "resources", "limits", "cpu") == .string("1500m"))
        #expect(Self.at(server, "resources", "requests", "memory") == .string("2Gi"))
        let args = try #require(Self.strings(Self.at(server, "args")))
        #expect(args.firstIndex(of: "--threads").map { args[$0 + 1] } == "2", "1.5 CPUs: 2 threads, as mlpack rounds a cgroup quota")
        #expect(args.firstIndex(of: "--drain-seconds").map { args[$0 + 1] } == "7")
        #expect(args.firstIndex(of: "--timeout").map { args[$0 + 1] } == "30")
        #expect(Self.strings(Self.at(server, "lifecycle", "preStop", "exec", "command")) == ["/bin/sleep", "3"])
        #expect(Self.at(pod, "terminationGracePeriodSeconds") == .int(3 + 7 + 30 + 5))
        let hpa = try Self.yaml(out.appendingPathComponent("k8s/hpa.yaml"))
        #expect(Self.at(hpa, "metadata", "name") == .string("yes"))
        #expect(Self.at(hpa, "spec", "minReplicas") == .int(3))
        #expect(Self.at(hpa, "spec", "maxReplicas") == .int(4))
        #expect(Self.at(hpa, "spec", "metrics", 0, "resource", "target", "averageUtilization") == .int(60))
        let text = try String(contentsOf: out.appendingPathComponent("k8s/service.yaml"), encoding: .utf8)
        #expect(text.contains("name: 'yes'"), "quoted:\n\(text)")
        let dockerfile = try String(contentsOf: out.appendingPathComponent("Dockerfile"), encoding: .utf8)
        #expect(try Self.execForm(dockerfile, "CMD").suffix(4) == ["--drain-seconds", "7", "--timeout", "30"])
    }

    @Test func refusalsLeaveNothingBehind() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.saveModel(in: temp)
        let out = temp.appendingPathComponent("deploy")
        func refused(_ extra: [String], model: String? = nil, _ message: String) throws {
            let run = try CLIRunner.run(["generate-dockerfile", "-m", model ?? "\(temp.path)/sim", "-o", out.path] + extra)
            #expect(run.status != 0, "\(extra) was accepted")
            #expect(run.stderr.contains(message), "\(extra): \(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(extra) left \(out.path)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: temp.path).filter { $0.hasPrefix(".") }.isEmpty)
        }
        try refused(["--cpu", "two"], "--cpu 'two'")
        try refused(["--cpu", "0.0001"], "--cpu '0.0001'")
        try refused(["--memory", "1Gb"], "--memory '1Gb'")
        try refused(["--name", "Not_A_Label"], "--name 'Not_A_Label'")
        try refused(["--replicas", "5", "--max-replicas", "2"], "--max-replicas '2'")
        try refused(["--image", "has space"], "--image 'has space'")
        try refused(["--binary", "/etc/hostname"], "neither an executable (ELF) nor a release tarball")
        try refused([], model: "/no/such/model", "/no/such/model: no such file or directory")

        // A model that does not validate: the image build would refuse it, so this does first.
        let broken = temp.appendingPathComponent("broken")
        try FileManager.default.copyItem(at: model, to: broken)
        try "flavors: {}\n".write(to: broken.appendingPathComponent("MLmodel"), atomically: true, encoding: .utf8)
        try refused([], model: broken.path, "the model does not validate")
        try FileManager.default.removeItem(at: broken)

        // A tampered archive.
        let archive = temp.appendingPathComponent("sim.mlpack")
        #expect(try CLIRunner.run(["pack", model.path, "-o", archive.path]).status == 0)
        var bytes = try Data(contentsOf: archive)
        let weights = try #require(bytes.range(of: Data("tokenizer".utf8)))
        bytes[weights.lowerBound] ^= 0x20
        try bytes.write(to: archive)
        try refused([], model: archive.path, "the model does not validate")
        try FileManager.default.removeItem(at: archive)

        // A release tarball whose binary needs libraries the tarball lacks.
        let release = temp.appendingPathComponent("release/mlpack-0.1.0")
        try FileManager.default.createDirectory(at: release.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: release.appendingPathComponent("lib"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLIRunner.executable, to: release.appendingPathComponent("bin/mlpack"))
        let tarball = temp.appendingPathComponent("incomplete.tar.gz")
        let tar = try ExternalTool.run("tar", ["-czf", tarball.path, "-C", release.deletingLastPathComponent().path, "mlpack-0.1.0"])
        #expect(tar.status == 0, "\(tar.stderr)")
        try FileManager.default.removeItem(at: release.deletingLastPathComponent())
        try refused(["--binary", tarball.path], "outside the bundle's lib/; the image would not have it")
    }

    /// A release tarball (the layout of scripts/build-release.sh) made from a generated bundle is
    /// used as it is: its bin/ and lib/, nothing copied from this machine.
    @Test func releaseTarballIsUsedAsItIs() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.saveModel(in: temp)
        let first = temp.appendingPathComponent("first")
        #expect(try CLIRunner.run(["generate-dockerfile", "-m", model.path, "-o", first.path]).status == 0)
        let release = temp.appendingPathComponent("stage/mlpack-9.9.9")
        try FileManager.default.createDirectory(at: release.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: first.appendingPathComponent("mlpack"), to: release)
        try "libyaml-0.so.2  libyaml-0-2\n".write(to: release.appendingPathComponent("LIBRARIES.txt"), atomically: true, encoding: .utf8)
        let tarball = temp.appendingPathComponent("mlpack-9.9.9-linux-x86_64.tar.gz")
        #expect(try ExternalTool.run("tar", ["-czf", tarball.path, "-C", release.deletingLastPathComponent().path, "mlpack-9.9.9"]).status == 0)
        let libraries = try FileManager.default.contentsOfDirectory(atPath: release.appendingPathComponent("lib").path).sorted()

        let out = temp.appendingPathComponent("second")
        let run = try CLIRunner.run(["generate-dockerfile", "-m", model.path, "-o", out.path, "--binary", tarball.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("from \(tarball.path) (release), \(libraries.count) shared libraries"), "\(run.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("mlpack/lib").path).sorted() == libraries)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("mlpack/LIBRARIES.txt").path))
        #expect(FileManager.default.isExecutableFile(atPath: out.appendingPathComponent("mlpack/bin/mlpack").path))
    }

    /// The Dockerfile's HEALTHCHECK command, run against a real server (its port in place of 8080):
    /// healthy while serving and while draining (liveness), unhealthy when nothing listens.
    @Test func healthCheckCommandAgainstARealServer() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.saveModel(in: temp)
        let server = try ServeProcess(model: model.path, arguments: ["--threads", "1", "--drain-seconds", "3"])
        let listening = server.port
        let script = DockerfileTemplate.healthCheckScript.replacingOccurrences(of: "/dev/tcp/127.0.0.1/8080", with: "/dev/tcp/127.0.0.1/\(listening)")
        #expect(script != DockerfileTemplate.healthCheckScript)
        func check() throws -> Int32 { try ExternalTool.run("bash", ["-c", script]).status }
        #expect(try check() == 0, "healthy while serving")
        server.signal(SIGTERM)
        // Draining: out of rotation (/ping 503) but alive, so the liveness check stays healthy.
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try check() == 0, "healthy while draining (/health stays 200; only /ping answers 503)")
        _ = server.waitForExit()
        #expect(try check() != 0, "unhealthy when nothing listens")
    }

    // MARK: Rules, without the binary

    @Test func namesQuantitiesAndTiming() throws {
        #expect(DeploySettings.dnsLabel(from: "My_Model v2.1") == "my-model-v2-1")
        #expect(DeploySettings.dnsLabel(from: "2024-model") == "model")
        #expect(DeploySettings.dnsLabel(from: "__") == nil)
        #expect(DeploySettings.dnsLabel(from: String(repeating: "a", count: 62) + "-b") == String(repeating: "a", count: 62))
        #expect(DeployGenerator.defaultName(for: "models:/Similarity@champion") == "similarity")
        #expect(DeployGenerator.defaultName(for: "models:/similarity/3") == "similarity")
        #expect(DeployGenerator.defaultName(for: "runs:/0a1b/sim_model") == "sim-model")
        #expect(DeployGenerator.defaultName(for: "/tmp/x/Similarity.mlpack") == "similarity")
        #expect(DeployGenerator.defaultName(for: "file:///tmp/x/sim.zip") == "sim")
        #expect(DeployGenerator.defaultName(for: "/") == "model")

        for (text, millicores) in [("2", 2000), ("0.5", 500), ("1500m", 1500), ("1.25", 1250), ("100m", 100)] {
            #expect(try DeploySettings.millicores(text) == millicores, "\(text)")
        }
        for text in ["", "m", "1.", ".5", "0.0005", "-1", "1e3", "99m", "300"] {
            #expect(throws: DeployError.self, "\(text)") { try DeploySettings.millicores(text) }
        }
        for text in ["512Mi", "2Gi", "1G", "67108864"] { #expect(try DeploySettings.checkMemory(text) == text) }
        for text in ["", "1Gb", "32Mi", "0Gi", "1.5Gi", "Gi"] {
            #expect(throws: DeployError.self, "\(text)") { try DeploySettings.checkMemory(text) }
        }

        func settings(image: String?, cpu: String) throws -> DeploySettings {
            try DeploySettings(
                name: "m", image: image, replicas: 1, maxReplicas: nil, cpu: cpu, memory: "1Gi", targetCPUUtilization: 70,
                preStopSeconds: 5, drainSeconds: 10, timeoutSeconds: 60, baseImage: "debian:bookworm-slim",
                model: .init(flavors: [], archiveSHA256: "", mlpackVersion: "0"))
        }
        #expect(try settings(image: nil, cpu: "1").imagePullPolicy == "Always")
        #expect(try settings(image: "reg:5000/m", cpu: "1").imagePullPolicy == "Always")
        #expect(try settings(image: "reg:5000/m:1", cpu: "1").imagePullPolicy == "IfNotPresent")
        #expect(try settings(image: "m@sha256:" + String(repeating: "0", count: 64), cpu: "1").imagePullPolicy == "IfNotPresent")
        #expect(try settings(image: nil, cpu: "250m").threads == 1)
        #expect(try settings(image: nil, cpu: "4").threads == 4)
        #expect(try settings(image: nil, cpu: "4").cpu == "4")
        #expect(try settings(image: nil, cpu: "0.5").cpu == "500m")
        #expect(try settings(image: nil, cpu: "1").maxReplicas == 10)
        #expect(try settings(image: nil, cpu: "1").terminationGracePeriodSeconds == 80)
    }
}
