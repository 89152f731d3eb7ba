/// The `Dockerfile`: debian-slim, no apt packages (the libraries travel in `mlpack/lib`), an
/// unprivileged numeric user, the archive validated at build time, a HEALTHCHECK on /health that
/// needs nothing but the base image's bash, and `mlpack serve` in exec form.
enum DockerfileTemplate {
    static let fileName = "Dockerfile"
    /// The build context's folder holding bin/mlpack (and its resource bundles) and lib/.
    static let bundleFolder = "mlpack"
    static let archiveFileName = "model.mlpack"

    /// GET /health over bash's /dev/tcp (debian-slim has neither curl nor wget), healthy on a 200.
    static let healthCheckScript =
        "exec 3<>/dev/tcp/127.0.0.1/\(DeploySettings.containerPort)"
        + " && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3"
        + " && read -r -t 4 status <&3 && [[ $status == 'HTTP/1.1 200'* ]]"

    static func render(_ settings: DeploySettings) -> String {
        let s = settings
        let uid = DeploySettings.uid
        let root = DeploySettings.installRoot
        return """
            # \(ManifestYAML.generatedBy(s))
            # \(archiveFileName): sha256 \(s.model.archiveSHA256), flavors: \(s.model.flavors.joined(separator: ", ")).
            #   docker build -t \(s.image) .
            #   docker run --rm -p \(DeploySettings.containerPort):\(DeploySettings.containerPort) \(s.image)
            # No apt packages: \(bundleFolder)/lib holds every shared library the binary loads except glibc's,
            # which the base image has (Debian 12: glibc 2.36).
            FROM \(s.baseImage)

            LABEL org.opencontainers.image.title="\(s.name)" \\
                  org.opencontainers.image.description="MLflow model served by mlpack \(s.model.mlpackVersion)" \\
                  io.mlpack.model-sha256="\(s.model.archiveSHA256)"

            # An unprivileged user with a fixed numeric UID (Kubernetes' runAsNonRoot checks the number);
            # no home, no login shell.
            RUN groupadd --gid \(uid) mlpack \\
             && useradd --no-log-init --uid \(uid) --gid \(uid) --no-create-home --home-dir /nonexistent \\
                --shell /usr/sbin/nologin mlpack

            # Owned by root, read-only to the server. The model comes last: a new model rebuilds one layer.
            COPY \(bundleFolder)/ \(root)/
            COPY \(archiveFileName) \(DeploySettings.archivePath)
            ENV PATH=\(root)/bin:$PATH \\
                LD_LIBRARY_PATH=\(root)/lib \\
                MLPACK_CACHE_DIR=/tmp/mlpack-cache

            USER \(uid):\(uid)

            # The build fails on a damaged archive or a model mlpack cannot serve (and if a library is missing).
            RUN \(execForm([DeploySettings.binaryPath, "validate", "--quiet", DeploySettings.archivePath]))

            EXPOSE \(DeploySettings.containerPort)
            HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \\
              CMD \(execForm(["/bin/bash", "-c", healthCheckScript]))
            STOPSIGNAL SIGTERM
            ENTRYPOINT \(execForm([DeploySettings.binaryPath]))
            CMD \(execForm(s.serveArguments(model: DeploySettings.archivePath, threads: nil, publicMetrics: false)))

            """
    }

    /// A JSON array of strings: Docker's exec form.
    static func execForm(_ arguments: [String]) -> String {
        "[" + arguments.map(jsonString).joined(separator: ", ") + "]"
    }

    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
