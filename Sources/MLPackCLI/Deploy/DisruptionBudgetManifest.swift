import MLPackYAML

/// `k8s/pdb.yaml`: a policy/v1 PodDisruptionBudget letting voluntary disruptions (node drains,
/// cluster upgrades) take one pod at a time, which never blocks a drain even with one replica.
enum DisruptionBudgetManifest {
    static let fileName = "pdb.yaml"

    static func render(_ settings: DeploySettings) -> String {
        typealias Y = ManifestYAML
        let pdb = Y.map([
            ("apiVersion", Y.string("policy/v1")),
            ("kind", Y.string("PodDisruptionBudget")),
            ("metadata", Y.metadata(settings)),
            ("spec", Y.map([
                ("maxUnavailable", .int(1)),
                ("selector", Y.selector(settings)),
            ])),
        ])
        return Y.render(pdb, header: [Y.generatedBy(settings)])
    }
}
