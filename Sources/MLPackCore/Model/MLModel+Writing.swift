import Foundation
import MLPackYAML

extension MLModel {
    /// The file text, exactly as MLflow's `Model.to_yaml` writes the same data
    /// (`yaml.safe_dump(d, default_flow_style=False)`: keys sorted at every level, width 80).
    public func yamlText() -> String {
        YAMLEmitter.emit(.mapping(fields), options: .pyYAMLSafeDump)
    }

    /// Writes `MLmodel` atomically into a model directory, or to the file `url` names
    /// (when it ends in `MLmodel` or is not an existing directory).
    public func write(to url: URL) throws(MLModelError) {
        var isDir: ObjCBool = false
        let target = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
            ? url.appendingPathComponent(Self.fileName) : url
        do {
            try AtomicFile.write(yamlText(), to: target)
        } catch {
            throw .writeFailed(path: target.path, reason: error.reason)
        }
    }
}
