import MLPackYAML

/// `k8s/deployment.yaml`: init containers validate the image's archive and unpack it into an
/// emptyDir; the server container serves that directory with probes, a preStop sleep, the drain,
/// Guaranteed QoS (requests == limits) and a locked-down security context.
enum DeploymentManifest {
    static let fileName = "deployment.yaml"

    static func render(_ settings: DeploySettings) -> String {
        typealias Y = ManifestYAML
        let s = settings
        let mlpack = [DeploySettings.binaryPath]
        let resources = Y.map([
            ("requests", Y.map([("cpu", Y.string(s.cpu)), ("memory", Y.string(s.memory))])),
            ("limits", Y.map([("cpu", Y.string(s.cpu)), ("memory", Y.string(s.memory))])),
        ])
        let securityContext = Y.map([
            ("runAsNonRoot", .bool(true)),
            ("runAsUser", .int(DeploySettings.uid)),
            ("runAsGroup", .int(DeploySettings.uid)),
            ("allowPrivilegeEscalation", .bool(false)),
            ("readOnlyRootFilesystem", .bool(true)),
            ("capabilities", Y.map([("drop", Y.strings(["ALL"]))])),
        ])
        let tmp = mount("tmp", "/tmp", readOnly: false)
        func initContainer(_ name: String, _ arguments: [String], mounts: [YAMLValue]) -> YAMLValue {
            Y.map([
                ("name", Y.string(name)),
                ("image", Y.string(s.image)),
                ("imagePullPolicy", Y.string(s.imagePullPolicy)),
                ("command", Y.strings(mlpack)),
                ("args", Y.strings(arguments)),
                ("resources", resources),
                ("securityContext", securityContext),
                ("volumeMounts", .sequence(mounts)),
            ])
        }
        func probe(_ path: String, period: Int, timeout: Int, failures: Int) -> YAMLValue {
            Y.map([
                ("httpGet", Y.map([("path", Y.string(path)), ("port", Y.string("http"))])),
                ("periodSeconds", .int(period)),
                ("timeoutSeconds", .int(timeout)),
                ("failureThreshold", .int(failures)),
            ])
        }
        let server = Y.map([
            ("name", Y.string("server")),
            ("image", Y.string(s.image)),
            ("imagePullPolicy", Y.string(s.imagePullPolicy)),
            ("command", Y.strings(mlpack)),
            ("args", Y.strings(s.serveArguments(model: DeploySettings.modelPath, threads: s.threads, publicMetrics: true))),
            ("ports", .sequence([Y.map([
                ("name", Y.string("http")), ("containerPort", .int(DeploySettings.containerPort)), ("protocol", Y.string("TCP")),
            ])])),
            // Until the model is loaded the port is closed; up to 3 minutes for a large model.
            ("startupProbe", probe("/ping", period: 2, timeout: 2, failures: 90)),
            // 503 from the first second of the drain: out of rotation within 10 s (2 probes, 5 s apart).
            ("readinessProbe", probe("/ping", period: 5, timeout: 2, failures: 2)),
            ("livenessProbe", probe("/health", period: 10, timeout: 5, failures: 3)),
            ("lifecycle", Y.map([
                ("preStop", Y.map([("exec", Y.map([("command", Y.strings(["/bin/sleep", "\(s.preStopSeconds)"]))]))])),
            ])),
            ("resources", resources),
            ("securityContext", securityContext),
            ("volumeMounts", .sequence([mount("model", DeploySettings.modelVolumePath, readOnly: true), tmp])),
        ])
        let podSpec = Y.map([
            ("terminationGracePeriodSeconds", .int(s.terminationGracePeriodSeconds)),
            ("automountServiceAccountToken", .bool(false)),
            ("enableServiceLinks", .bool(false)),
            ("securityContext", Y.map([
                ("runAsNonRoot", .bool(true)),
                ("runAsUser", .int(DeploySettings.uid)),
                ("runAsGroup", .int(DeploySettings.uid)),
                ("fsGroup", .int(DeploySettings.uid)),
                ("seccompProfile", Y.map([("type", Y.string("RuntimeDefault"))])),
            ])),
            ("initContainers", .sequence([
                initContainer("validate-model", ["validate", "--quiet", DeploySettings.archivePath], mounts: [tmp]),
                initContainer(
                    "unpack-model", ["unpack", DeploySettings.archivePath, "-o", DeploySettings.modelPath, "--force"],
                    mounts: [mount("model", DeploySettings.modelVolumePath, readOnly: false), tmp]),
            ])),
            ("containers", .sequence([server])),
            ("volumes", .sequence([
                Y.map([("name", Y.string("model")), ("emptyDir", .mapping(YAMLMapping()))]),
                Y.map([("name", Y.string("tmp")), ("emptyDir", .mapping(YAMLMapping()))]),
            ])),
        ])
        var podAnnotations: [(String, YAMLValue?)] = [
            ("prometheus.io/scrape", Y.string("true")),
            ("prometheus.io/port", Y.string("\(DeploySettings.containerPort)")),
            ("prometheus.io/path", Y.string("/metrics")),
        ]
        if case .mapping(let annotations) = Y.annotations(s) {
            podAnnotations += annotations.entries.map { ($0.key.stringValue ?? "", $0.value) }
        }
        let deployment = Y.map([
            ("apiVersion", Y.string("apps/v1")),
            ("kind", Y.string("Deployment")),
            ("metadata", Y.metadata(s)),
            ("spec", Y.map([
                // No `replicas`: the HorizontalPodAutoscaler (hpa.yaml, minReplicas) owns it, so a
                // second `kubectl apply` does not scale the Deployment back down.
                ("revisionHistoryLimit", .int(5)),
                ("selector", Y.selector(s)),
                ("strategy", Y.map([
                    ("type", Y.string("RollingUpdate")),
                    ("rollingUpdate", Y.map([("maxSurge", .int(1)), ("maxUnavailable", .int(0))])),
                ])),
                ("template", Y.map([
                    ("metadata", Y.map([("labels", Y.labels(s)), ("annotations", Y.map(podAnnotations))])),
                    ("spec", podSpec),
                ])),
            ])),
        ])
        return ManifestYAML.render(deployment, header: [
            ManifestYAML.generatedBy(s),
            "Threads: --threads \(s.threads) = the CPU limit (\(s.cpu)) rounded up. Requests == limits: Guaranteed QoS.",
            "Shutdown: preStop sleep \(s.preStopSeconds) s + drain \(s.drainSeconds) s + request timeout \(s.timeoutSeconds) s"
                + " + \(DeploySettings.exitMarginSeconds) s = terminationGracePeriodSeconds \(s.terminationGracePeriodSeconds).",
            "`--public-metrics` serves /metrics without the API key, for the Prometheus scrape annotations.",
        ])
    }

    private static func mount(_ name: String, _ path: String, readOnly: Bool) -> YAMLValue {
        ManifestYAML.map([
            ("name", .string(name)), ("mountPath", .string(path)), ("readOnly", readOnly ? .bool(true) : nil),
        ])
    }
}
