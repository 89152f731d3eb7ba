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
        // A locked scratch directory in $TMPDIR (TemporaryItem): removed at the end, or by the next
        // validate if this process is killed.
        let scratch: TemporaryItem
        do { scratch = try TemporaryItem.scratchDirectory(label: "mlpack-validate") } catch {
            findings.append(ValidationFinding(.error, path, "cannot extract for the model checks: \(error)"))
            return findings
        }
        defer { scratch.discard() }
        let temp = scratch.url.appendingPathComponent("model")
        do {
            try ArchiveUnpacker.unpack(archive: url, to: temp, limits: limits)
        } catch {
            findings.append(ValidationFinding(.error, path, "\(error)"))
            return findings
        }
        return findings + validate(directory: temp)
    }
}
