import Foundation
import MLPackCore

/// Checks an archive without extracting it.
public enum ArchiveVerifier {
    /// Every problem of `archive`, as findings (empty when the archive is sound).
    ///
    /// Zip-level refusals and an unreadable manifest stop the check (one error). Otherwise every
    /// manifest-level problem is reported, then every listed file is read in full: CRC, size limits and
    /// SHA-256 against the manifest.
    public static func verify(archive: URL, limits: ArchiveLimits = ArchiveLimits()) -> [ArchiveFinding] {
        let path = archive.standardizedFileURL.path
        let inspection: ArchiveInspection
        do {
            inspection = try ArchiveInspection(archive: path, limits: limits)
        } catch let error as ArchiveError {
            return [ArchiveFinding(error, archive: path)]
        } catch {
            return [ArchiveFinding(severity: .error, location: path, message: "\(error)")]
        }
        var findings = inspection.problems.map { ArchiveFinding($0, archive: path) }
        for (file, entry) in inspection.present {
            do {
                try inspection.read(file, entry) { _ in }
            } catch let error as ArchiveError {
                findings.append(ArchiveFinding(error, archive: path))
                // Past a limit, reading further entries is unsafe or meaningless.
                if case .zip(let zip) = error, case .totalSizeExceeded = zip { break }
            } catch {
                findings.append(ArchiveFinding(severity: .error, location: "\(path)!/\(file.path)", message: "\(error)"))
            }
        }
        if inspection.manifest.mlpackVersion != MLPack.version {
            findings.append(ArchiveFinding(
                severity: .info, location: "\(path)!/\(ArchiveManifest.fileName)",
                message: "packed by mlpack \(inspection.manifest.mlpackVersion) (this is \(MLPack.version))"))
        }
        return findings
    }

    /// The manifest of `archive` after the zip-level checks (no file data is read).
    public static func manifest(of archive: URL, limits: ArchiveLimits = ArchiveLimits()) throws -> ArchiveManifest {
        try ArchiveInspection(archive: archive.standardizedFileURL.path, limits: limits).manifest
    }
}
