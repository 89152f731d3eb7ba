import MLPackYAML

/// `k8s/hpa.yaml`: an autoscaling/v2 HorizontalPodAutoscaler on average CPU use. It owns the
/// Deployment's replica count (minReplicas is --replicas).
enum AutoscalerManifest {
    static let fileName = "hpa.yaml"

    static func render(_ settings: DeploySettings) -> String {
        typealias Y = ManifestYAML
        let hpa = Y.map([
            ("apiVersion", Y.string("autoscaling/v2")),
            ("kind", Y.string("HorizontalPodAutoscaler")),
            ("metadata", Y.metadata(settings)),
            ("spec", Y.map([
                ("scaleTargetRef", Y.map([
                    ("apiVersion", Y.string("apps/v1")), ("kind", Y.string("Deployment")), ("name", Y.string(settings.name)),
                ])),
                ("minReplicas", .int(settings.replicas)),
                ("maxReplicas", .int(settings.maxReplicas)),
                ("metrics", .sequence([Y.map([
                    ("type", Y.string("Resource")),
                    ("resource", Y.map([
                        ("name", Y.string("cpu")),
                        ("target", Y.map([("type", Y.string("Utilization")), ("averageUtilization", .int(settings.targetCPUUtilization))])),
                    ])),
                ])])),
            ])),
        ])
        return Y.render(hpa, header: [
            Y.generatedBy(settings),
            "Needs the metrics API (metrics-server). Without it the autoscaler still keeps minReplicas running.",
        ])
    }
}
