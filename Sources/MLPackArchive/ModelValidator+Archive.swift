import Foundation
import MLPackCore

extension ModelValidator {
    /// `mlpack validate` on a model directory or an mlpack archive. An archive gets the archive
    /// checks first (structure, manifest hashes and sizes, ``ArchiveVerifier``), then the model
    /// checks on its verified extraction into a temporary directory (removed afterwards).
    public func validate(modelOrArchiveAt path: String, limits: ArchiveLimits = ArchiveLimits()) -> [ValidationFinding] {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            return [ValidationFinding(.error, path, "no such file or directory")]
        }
        if isDirectory.boolValue { return validate(directory: url) }
        var findings = ArchiveVerifier.verify(archive: url, limits: limits)
        guard findings.isValid else { return findings }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("mlpack-validate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        do {
            try ArchiveUnpacker.unpack(archive: url, to: temp, limits: limits)
        } catch {
            findings.append(ValidationFinding(.error, path, "\(error)"))
            return findings
        }
        return findings + validate(directory: temp)
    }
}
