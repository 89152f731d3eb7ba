import Foundation

/// Finds a model directory on this machine from a name like `sentence-transformers/all-MiniLM-L6-v2`,
/// in the Hugging Face hub cache that Python users already have. Nothing is downloaded.
///
/// Search order: an existing directory path; `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else
/// `$XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`, in the hub layout
/// `models--<org>--<name>/snapshots/<revision>/` (revision from `refs/<revision>`, default `main`);
/// then sentence-transformers' legacy folder `$SENTENCE_TRANSFORMERS_HOME/<org>_<name>`
/// (default `~/.cache/torch/sentence_transformers`); then mlpack's own cache
/// `$MLPACK_CACHE_DIR/models/<name>` (default `~/.cache/mlpack`, filled by `scripts/fetch-model.sh`).
/// A bare name without an organisation is looked up as `sentence-transformers/<name>` too.
public enum ModelLocator {
    /// The directory of `name`, or `BERTError.modelNotFound` listing the places searched.
    public static func resolve(
        _ name: String, revision: String = "main",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> URL {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if (name.hasPrefix("/") || name.hasPrefix(".")) {
            if fm.fileExists(atPath: name, isDirectory: &isDir), isDir.boolValue {
                return URL(fileURLWithPath: name).standardizedFileURL
            }
            throw BERTError.modelNotFound(name: name, searched: [name])
        }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), parts.allSatisfy(isSafeComponent), isSafeComponent(revision) else {
            throw BERTError.invalidArgument(
                name: "model name", expected: "<organisation>/<name> of letters, digits, '.', '_', '-', found \(name)")
        }
        let candidates: [(org: String, model: String)] =
            parts.count == 2 ? [(parts[0], parts[1])] : [("sentence-transformers", parts[0])]
        let home = environment["HOME"] ?? NSHomeDirectory()
        let xdg = environment["XDG_CACHE_HOME"] ?? home + "/.cache"
        let hub: String
        if let h = environment["HF_HUB_CACHE"] ?? environment["HUGGINGFACE_HUB_CACHE"] {
            hub = h
        } else if let h = environment["HF_HOME"] {
            hub = h + "/hub"
        } else {
            hub = xdg + "/huggingface/hub"
        }
        let stHome = environment["SENTENCE_TRANSFORMERS_HOME"] ?? home + "/.cache/torch/sentence_transformers"
        let mlpackCache = environment["MLPACK_CACHE_DIR"] ?? xdg + "/mlpack"
        var searched: [String] = []
        for (org, model) in candidates {
            let repo = URL(fileURLWithPath: hub).appendingPathComponent("models--\(org)--\(model)")
            searched.append(repo.path)
            if let dir = snapshot(in: repo, revision: revision) { return dir }
            let legacy = URL(fileURLWithPath: stHome).appendingPathComponent("\(org)_\(model)")
            searched.append(legacy.path)
            if isModelDirectory(legacy) { return legacy }
            let own = URL(fileURLWithPath: mlpackCache).appendingPathComponent("models/\(model)")
            searched.append(own.path)
            if isModelDirectory(own) { return own }
        }
        throw BERTError.modelNotFound(name: name, searched: searched)
    }

    /// `snapshots/<hash>` of a hub repository folder: the hash in `refs/<revision>`, or `revision`
    /// itself when it names a snapshot.
    static func snapshot(in repo: URL, revision: String) -> URL? {
        let snapshots = repo.appendingPathComponent("snapshots")
        let ref = repo.appendingPathComponent("refs").appendingPathComponent(revision)
        if let data = try? Data(contentsOf: ref), data.count < 256,
            let hash = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            isSafeComponent(hash)
        {
            let dir = snapshots.appendingPathComponent(hash)
            if isModelDirectory(dir) { return dir }
        }
        let direct = snapshots.appendingPathComponent(revision)
        return isModelDirectory(direct) ? direct : nil
    }

    static func isModelDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else { return false }
        return ["modules.json", "config.json"].contains {
            FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path)
        }
    }

    static func isSafeComponent(_ s: String) -> Bool {
        !s.isEmpty && s != "." && s != ".." && s.count <= 96
            && s.unicodeScalars.allSatisfy { c in
                (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "." || c == "_" || c == "-"
            }
    }
}
