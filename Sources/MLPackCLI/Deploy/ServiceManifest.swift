import MLPackYAML

/// `k8s/service.yaml`: a ClusterIP Service, port 80 to the pods' named port `http` (8080).
enum ServiceManifest {
    static let fileName = "service.yaml"

    static func render(_ settings: DeploySettings) -> String {
        typealias Y = ManifestYAML
        let service = Y.map([
            ("apiVersion", Y.string("v1")),
            ("kind", Y.string("Service")),
            ("metadata", Y.metadata(settings)),
            ("spec", Y.map([
                ("type", Y.string("ClusterIP")),
                ("selector", Y.map([("app.kubernetes.io/name", Y.string(settings.name))])),
                ("ports", .sequence([Y.map([
                    ("name", Y.string("http")),
                    ("port", .int(DeploySettings.servicePort)),
                    ("targetPort", Y.string("http")),
                    ("protocol", Y.string("TCP")),
                ])])),
            ])),
        ])
        return Y.render(service, header: [
            Y.generatedBy(settings),
            "In the cluster: http://\(settings.name)/invocations (port \(DeploySettings.servicePort) to the container's \(DeploySettings.containerPort)).",
        ])
    }
}
