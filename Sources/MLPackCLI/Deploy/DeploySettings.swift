import Foundation

/// Everything the Dockerfile and the Kubernetes manifests are rendered from: checked values only
/// (``DeploySettings/init(name:image:replicas:maxReplicas:cpu:memory:targetCPUUtilization:preStopSeconds:drainSeconds:timeoutSeconds:baseImage:model:)``
/// refuses the rest), so rendering cannot fail and the same settings always give the same bytes.
struct DeploySettings: Equatable {
    /// What the manifests say about the model.
    struct Model: Equatable {
        /// The flavors in the archive's manifest.
        var flavors: [String]
        /// SHA-256 of `model.mlpack`.
        var archiveSHA256: String
        /// The mlpack version that generated the files.
        var mlpackVersion: String
    }

    /// The name of every Kubernetes object and of the container image (DNS-1035 label).
    var name: String
    /// The image reference the manifests run.
    var image: String
    /// The fewest replicas (the autoscaler's minimum; the Deployment leaves `replicas` to it).
    var replicas: Int
    /// The most replicas the autoscaler may run.
    var maxReplicas: Int
    /// CPU request and limit, in millicores.
    var cpuMillicores: Int
    /// Memory request and limit, as a Kubernetes quantity.
    var memory: String
    /// The autoscaler's target: average CPU use as a percentage of the request.
    var targetCPUUtilization: Int
    /// `lifecycle.preStop` sleep before SIGTERM (seconds).
    var preStopSeconds: Int
    /// `serve --drain-seconds`.
    var drainSeconds: Int
    /// `serve --timeout`.
    var timeoutSeconds: Int
    /// The Dockerfile's FROM.
    var baseImage: String
    var model: Model

    /// The port the server listens on inside the container.
    static let containerPort = 8080
    /// The Service's port.
    static let servicePort = 80
    /// The unprivileged user and group of the image (numeric, so `runAsNonRoot` can check it).
    static let uid = 10001
    /// Where the image keeps mlpack (bin/, lib/) and the archive.
    static let installRoot = "/opt/mlpack"
    static var binaryPath: String { installRoot + "/bin/mlpack" }
    static var archivePath: String { installRoot + "/model.mlpack" }
    /// Where the init container unpacks the model (an emptyDir) and the server reads it.
    static let modelVolumePath = "/var/lib/mlpack"
    static var modelPath: String { modelVolumePath + "/model" }
    /// Slack for the process to exit after its last request, added to the grace period.
    static let exitMarginSeconds = 5

    init(
        name: String, image: String?, replicas: Int, maxReplicas: Int?, cpu: String, memory: String,
        targetCPUUtilization: Int, preStopSeconds: Int, drainSeconds: Int, timeoutSeconds: Int, baseImage: String,
        model: Model
    ) throws(DeployError) {
        self.name = name
        self.image = image ?? "mlpack-\(name):latest"
        try Self.checkReference(option: "--image", self.image)
        try Self.checkReference(option: "--base-image", baseImage)
        guard (1...1000).contains(replicas) else { throw .invalidOption(option: "--replicas", value: "\(replicas)", reason: "must be between 1 and 1000") }
        self.replicas = replicas
        self.maxReplicas = maxReplicas ?? max(replicas, 10)
        guard self.maxReplicas >= replicas, self.maxReplicas <= 1000 else {
            throw .invalidOption(option: "--max-replicas", value: "\(self.maxReplicas)", reason: "must be between --replicas (\(replicas)) and 1000")
        }
        cpuMillicores = try Self.millicores(cpu)
        self.memory = try Self.checkMemory(memory)
        guard (1...100).contains(targetCPUUtilization) else {
            throw .invalidOption(option: "--target-cpu-utilization", value: "\(targetCPUUtilization)", reason: "must be a percentage between 1 and 100")
        }
        self.targetCPUUtilization = targetCPUUtilization
        for (option, value) in [("--pre-stop-seconds", preStopSeconds), ("--drain-seconds", drainSeconds)] where !(0...3600).contains(value) {
            throw .invalidOption(option: option, value: "\(value)", reason: "must be between 0 and 3600 seconds")
        }
        guard (1...3600).contains(timeoutSeconds) else {
            throw .invalidOption(option: "--timeout", value: "\(timeoutSeconds)", reason: "must be between 1 and 3600 seconds")
        }
        self.preStopSeconds = preStopSeconds
        self.drainSeconds = drainSeconds
        self.timeoutSeconds = timeoutSeconds
        self.baseImage = baseImage
        self.model = model
    }

    /// The CPU quantity as Kubernetes writes it: whole CPUs (`"2"`) or millicores (`"1500m"`).
    var cpu: String { cpuMillicores % 1000 == 0 ? "\(cpuMillicores / 1000)" : "\(cpuMillicores)m" }

    /// `serve --threads`: the CPUs the limit allows, rounded up (the rule mlpack applies to the
    /// cgroup's `cpu.max` when --threads is not given, so the two agree).
    var threads: Int { max(1, (cpuMillicores + 999) / 1000) }

    /// preStop sleep + drain + the longest request + exit margin: the kubelet never kills a pod
    /// that is still answering a request it accepted.
    var terminationGracePeriodSeconds: Int { preStopSeconds + drainSeconds + timeoutSeconds + Self.exitMarginSeconds }

    /// `Always` for an untagged or `:latest` image (Kubernetes' own default), else `IfNotPresent`.
    var imagePullPolicy: String {
        if image.contains("@") { return "IfNotPresent" }
        let lastSegment = image.split(separator: "/").last.map(String.init) ?? image
        guard let colon = lastSegment.lastIndex(of: ":") else { return "Always" }
        return lastSegment[lastSegment.index(after: colon)...] == "latest" ? "Always" : "IfNotPresent"
    }

    /// The arguments of `mlpack serve` in the image's CMD and the Deployment's server container.
    func serveArguments(model: String, threads: Int?, publicMetrics: Bool) -> [String] {
        var arguments = ["serve", "-m", model, "--host", "0.0.0.0", "--port", "\(Self.containerPort)"]
        if let threads { arguments += ["--threads", "\(threads)"] }
        arguments += ["--drain-seconds", "\(drainSeconds)", "--timeout", "\(timeoutSeconds)"]
        if publicMetrics { arguments.append("--public-metrics") }
        return arguments
    }

    // MARK: Names and quantities

    /// `text` made a DNS-1035 label (what Service names must be): lower-case letters, digits and
    /// '-', starting with a letter, ending with a letter or digit, at most 63 characters; runs of
    /// other characters become one '-'. Nil when nothing usable is left.
    static func dnsLabel(from text: String) -> String? {
        var label = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                label.unicodeScalars.append(scalar)
            } else if !label.isEmpty, !label.hasSuffix("-") {
                label += "-"
            }
        }
        while let first = label.first, !first.isLetter { label.removeFirst() }
        label = String(label.prefix(63))
        while label.hasSuffix("-") { label.removeLast() }
        return label.isEmpty ? nil : label
    }

    /// Whether `name` is already a DNS-1035 label.
    static func isDNSLabel(_ name: String) -> Bool { dnsLabel(from: name) == name }

    /// Millicores of a Kubernetes CPU quantity: `2`, `0.5`, `1500m`.
    static func millicores(_ text: String) throws(DeployError) -> Int {
        let fail = DeployError.invalidOption(option: "--cpu", value: text, reason: "expected CPUs (2, 0.5) or millicores (1500m), between 100m and 256")
        var millicores: Int?
        if text.hasSuffix("m") {
            let digits = text.dropLast()
            if !digits.isEmpty, digits.count <= 9, digits.allSatisfy(\.isASCIIDigit) { millicores = Int(digits) }
        } else {
            // Whole CPUs with at most three decimals (a millicore is Kubernetes' finest CPU unit).
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            if (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 6,
               whole.allSatisfy(\.isASCIIDigit) {
                let fraction = parts.count == 2 ? String(parts[1]) : ""
                if fraction.count <= 3, fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty {
                    millicores = Int(whole)! * 1000 + Int(fraction.padding(toLength: 3, withPad: "0", startingAt: 0))!
                }
            }
        }
        guard let millicores, (100...256_000).contains(millicores) else { throw fail }
        return millicores
    }

    /// A Kubernetes memory quantity (`512Mi`, `2Gi`, `1G`, bytes), at least 64 MiB.
    static func checkMemory(_ text: String) throws(DeployError) -> String {
        let suffixes: [(String, Int)] = [("Ki", 1 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30), ("Ti", 1 << 40),
                                         ("k", 1000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000)]
        let (suffix, factor) = suffixes.first { text.hasSuffix($0.0) } ?? ("", 1)
        let digits = text.dropLast(suffix.count)
        guard !digits.isEmpty, digits.first != "0", digits.allSatisfy(\.isASCIIDigit), digits.count <= 15,
              let value = Int(digits), value.multipliedReportingOverflow(by: factor).overflow == false,
              value * factor >= 64 << 20
        else {
            throw .invalidOption(option: "--memory", value: text, reason: "expected a Kubernetes quantity such as 512Mi or 2Gi, at least 64Mi")
        }
        return text
    }

    /// An image reference: non-empty, printable ASCII without spaces (it also goes into comments).
    static func checkReference(option: String, _ reference: String) throws(DeployError) {
        guard !reference.isEmpty, reference.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .invalidOption(option: option, value: reference, reason: "expected an image reference such as registry.example.com/team/name:1.0")
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
