import Foundation
import MLPackCore

/// Checks an archive without extracting it.
public enum ArchiveVerifier {
    /// Every problem of `archive` (empty when it is sound).
    ///
    /// Zip-level refusals and a missing or unreadable manifest stop the check (one error). Otherwise
    /// every manifest-level problem is reported (unlisted entries, missing files, size mismatches, no
    /// `MLmodel`), then every listed file is read in full: size and ratio limits, CRC-32, SHA-256.
    public static func problems(archive: URL, limits: ArchiveLimits = ArchiveLimits()) -> [ArchiveError] {
        inspect(archive: archive, limits: limits).problems
    }

    /// The findings of ``problems(archive:limits:)`` for `mlpack validate`: one error per problem,
    /// located at the entry (path inside the archive) or at the archive; when there is none, an info
    /// finding on the manifest (files verified, mlpack version, flavors).
    public static func verify(archive: URL, limits: ArchiveLimits = ArchiveLimits()) -> [ValidationFinding] {
        let path = archive.standardizedFileURL.path
        let (manifest, problems) = inspect(archive: archive, limits: limits)
        var findings = problems.map { ValidationFinding(.error, $0.entry ?? path, $0.description) }
        if let manifest, problems.isEmpty {
            findings.append(ValidationFinding(
                .info, ArchiveManifest.fileName,
                "\(manifest.files.count) files match their sizes and SHA-256; packed by mlpack \(manifest.mlpackVersion)"
                    + "; flavors: \(manifest.flavors.joined(separator: ", "))"))
        }
        return findings
    }

    /// The manifest of `archive` after the zip-level checks (no file data is read).
    public static func manifest(of archive: URL, limits: ArchiveLimits = ArchiveLimits()) throws -> ArchiveManifest {
        try ArchiveInspection(archive: archive.standardizedFileURL.path, limits: limits).manifest
    }

    private static func inspect(archive: URL, limits: ArchiveLimits) -> (manifest: ArchiveManifest?, problems: [ArchiveError]) {
        let path = archive.standardizedFileURL.path
        let inspection: ArchiveInspection
        do {
            inspection = try ArchiveInspection(archive: path, limits: limits)
        } catch let error as ArchiveError {
            return (nil, [error])
        } catch {
            return (nil, [.fileSystem(path: path, operation: "read archive", reason: "\(error)")])
        }
        var problems = inspection.problems
        for (file, entry) in inspection.present {
            do {
                try inspection.read(file, entry) { _ in }
            } catch let error as ArchiveError {
                problems.append(error)
                // Past the total limit, reading further entries is pointless.
                if case .zip(.totalSizeExceeded) = error { break }
            } catch {
                problems.append(.fileSystem(path: "\(path)!/\(file.path)", operation: "read", reason: "\(error)"))
            }
        }
        return (inspection.manifest, problems)
    }
}
