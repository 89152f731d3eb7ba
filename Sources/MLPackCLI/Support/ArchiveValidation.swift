import Foundation
import MLPackArchive
import MLPackCore

/// `validate` on a directory or an archive: an archive gets the archive checks (structure,
/// manifest hashes and sizes), then the model checks on its verified extraction.
enum ArchiveValidation {
    static func validate(path: String) -> [ValidationFinding] {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            return [ValidationFinding(.error, path, "no such file or directory")]
        }
        if isDirectory.boolValue { return ModelValidator().validate(directory: url) }
        var findings = ArchiveVerifier.verify(archive: url)
        guard findings.isValid else { return findings }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("mlpack-validate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        do {
            try ArchiveUnpacker.unpack(archive: url, to: temp)
        } catch {
            findings.append(ValidationFinding(.error, path, "\(error)"))
            return findings
        }
        return findings + ModelValidator().validate(directory: temp)
    }
}
