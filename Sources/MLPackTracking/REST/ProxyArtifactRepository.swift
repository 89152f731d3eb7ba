import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFileSystem
import NIOHTTP1

/// Files under an `mlflow-artifacts:` location, through the tracking server's artifact proxy
/// (`/api/2.0/mlflow-artifacts/artifacts/<path>`). Uploads and downloads stream: a file is never
/// held whole in memory.
struct ProxyArtifactRepository: ArtifactRepository {
    let location: String
    /// `<scheme://host[:port][/prefix]>/api/2.0/mlflow-artifacts/artifacts`.
    let endpointBase: String
    /// The location's path under the proxy root (no leading or trailing slash).
    let rootPath: String
    let client: RESTClient

    /// `mlflow-artifacts:/<path>` (the tracking server's own host) or `mlflow-artifacts://host[:port]/<path>`.
    init(artifactURI: String, trackingURI: String, client: RESTClient) throws(TrackingError) {
        location = artifactURI
        self.client = client
        var rest = artifactURI.dropFirst("mlflow-artifacts:".count)
        var base = trackingURI.hasSuffix("/") ? String(trackingURI.dropLast()) : trackingURI
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let host = rest.prefix { $0 != "/" }
            rest = rest.dropFirst(host.count)
            if !host.isEmpty {
                // A host of its own: same scheme as the tracking server (the proxy belongs to it).
                let scheme = trackingURI.hasPrefix("https:") ? "https" : "http"
                base = "\(scheme)://\(host)"
            }
        }
        let path = rest.split(separator: "/", omittingEmptySubsequences: true)
        guard !path.contains(where: { $0 == ".." || $0 == "." }) else {
            throw .unsupportedURI(uri: artifactURI, reason: "'..' or '.' in an artifact path")
        }
        rootPath = path.joined(separator: "/")
        endpointBase = base + "/api/2.0/mlflow-artifacts/artifacts"
    }

    func url(_ relativePath: String) -> String {
        let full = rootPath.isEmpty ? relativePath : (relativePath.isEmpty ? rootPath : rootPath + "/" + relativePath)
        return endpointBase + "/" + RESTClient.encodePath(full)
    }

    func upload(file: URL, to relativePath: String) async throws {
        try ArtifactPaths.check(relativePath, in: location)
        let size = try ArtifactPaths.regularFileSize(file)
        let target = url(relativePath)
        let (status, body) = try await client.withRetries(endpoint: "mlflow-artifacts/artifacts/\(rootPath)/\(relativePath)") {
            // Re-opened on each attempt: a retry sends the file from its start.
            try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(file.path)) { handle in
                var request = HTTPClientRequest(url: target)
                request.method = .PUT
                request.headers.add(name: "Content-Type", value: "application/octet-stream")
                request.body = .stream(handle.readChunks(chunkLength: .mebibytes(1)), length: .known(size))
                let response = try await client.execute(request)
                let answer = try await response.body.collect(upTo: 1 << 20)
                return (Int(response.status.code), answer)
            }
        } status: { $0.0 }
        guard (200..<300).contains(status) else {
            throw RESTClient.failure(status: status, endpoint: "PUT \(target)", body: body)
        }
    }

    func listFiles() async throws -> [ArtifactFile] {
        var result: [ArtifactFile] = []
        var pending = [""]
        while let directory = pending.popLast() {
            let path = directory.isEmpty ? rootPath : rootPath + "/" + directory
            let answer = try await client.get("mlflow-artifacts/artifacts", query: [("path", path)])
            for item in answer["files"] as? [Any] ?? [] {
                guard let entry = item as? [String: Any], let name = entry["path"] as? String else { continue }
                // The proxy answers paths relative to the listed directory.
                let relative = directory.isEmpty ? name : directory + "/" + name
                if entry["is_dir"] as? Bool == true {
                    pending.append(relative)
                } else {
                    result.append(ArtifactFile(path: relative, isDirectory: false, size: Wire.int(entry["file_size"])))
                }
            }
        }
        return result.sorted { $0.path < $1.path }
    }

    func download(_ relativePath: String, to destination: URL) async throws {
        try ArtifactPaths.check(relativePath, in: location)
        let source = url(relativePath)
        let temporary = ArtifactPaths.temporarySibling(of: destination)
        defer { try? FileManager.default.removeItem(at: temporary) }
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        let status: Int = try await client.withRetries(endpoint: "mlflow-artifacts/artifacts/\(rootPath)/\(relativePath)") {
            try? FileManager.default.removeItem(at: temporary)
            let response = try await client.execute(HTTPClientRequest(url: source))
            guard response.status == .ok else {
                let body = try await response.body.collect(upTo: 1 << 20)
                if RESTConfiguration.retriedStatuses.contains(Int(response.status.code)) { return Int(response.status.code) }
                throw RESTClient.failure(status: Int(response.status.code), endpoint: "GET \(source)", body: body)
            }
            try await FileSystem.shared.withFileHandle(forWritingAt: FilePath(temporary.path), options: .newFile(replaceExisting: true)) { handle in
                var writer = handle.bufferedWriter()
                for try await chunk in response.body { try await writer.write(contentsOf: chunk) }
                try await writer.flush()
            }
            return 200
        } status: { $0 }
        guard status == 200 else {
            throw TrackingError.server(status: status, endpoint: "GET \(source)", errorCode: "HTTP_\(status)", message: "still failing after \(client.configuration.maxRetries) retries")
        }
        try ArtifactPaths.replace(destination, with: temporary)
    }
}
