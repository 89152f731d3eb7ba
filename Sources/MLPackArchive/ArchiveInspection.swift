import Crypto
import MLPackZip

/// An archive opened for unpacking or verification: the zip-level checks passed (``ZipReader``) and
/// the manifest was read. Shared by ``ArchiveUnpacker``, ``ArchiveVerifier`` and ``ArchiveCache``.
struct ArchiveInspection {
    let reader: ZipReader
    let manifest: ArchiveManifest
    /// Listed files present in the archive, paired with their entries, sorted by path.
    let present: [(file: ArchiveManifest.File, entry: ZipEntry)]
    /// Manifest-level problems (unlisted entries, missing files, size mismatches, no MLmodel), in a
    /// fixed order: the first is what unpacking reports.
    let problems: [ArchiveError]

    var archivePath: String { reader.archivePath }

    /// Opens `archive`; zip-level and manifest-parse failures throw, manifest-level problems are collected.
    init(archive: String, limits: ArchiveLimits) throws {
        do {
            reader = try ZipReader(archivePath: archive, limits: limits.zipLimits)
            guard let manifestEntry = reader.entry(named: ArchiveManifest.fileName), !manifestEntry.isDirectory else {
                throw ArchiveError.missingManifest(archive: archive)
            }
            manifest = try ArchiveManifest.decode(reader.readAll(manifestEntry, maxBytes: ArchiveManifest.maxBytes), archive: archive)
        } catch let error as ZipError {
            throw ArchiveError.zip(error)
        }

        var problems: [ArchiveError] = []
        let listed = Dictionary(manifest.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var listedDirectories: Set<String> = []
        for file in manifest.files {
            var components = file.path.split(separator: "/").dropLast()
            while !components.isEmpty {
                listedDirectories.insert(components.joined(separator: "/") + "/")
                components = components.dropLast()
            }
        }
        var byName: [String: ZipEntry] = [:]
        for entry in reader.entries where entry.name != ArchiveManifest.fileName {
            if entry.isDirectory {
                if !listedDirectories.contains(entry.name) { problems.append(.unlistedEntry(archive: archive, entry: entry.name)) }
            } else if listed[entry.name] == nil {
                problems.append(.unlistedEntry(archive: archive, entry: entry.name))
            } else {
                byName[entry.name] = entry
            }
        }
        if listed["MLmodel"] == nil { problems.append(.missingMLmodel(location: archive)) }
        var present: [(ArchiveManifest.File, ZipEntry)] = []
        for file in manifest.files {
            guard let entry = byName[file.path] else {
                problems.append(.missingFile(archive: archive, entry: file.path))
                continue
            }
            if entry.declaredSize != file.size {
                problems.append(.sizeMismatch(archive: archive, entry: file.path, manifest: file.size, actual: entry.declaredSize))
                continue
            }
            present.append((file, entry))
        }
        self.present = present.sorted { $0.0.path.utf8.lexicographicallyPrecedes($1.0.path.utf8) }
        self.problems = problems
    }

    /// Streams one file's data to `consume` and checks its SHA-256 against the manifest.
    func read(_ file: ArchiveManifest.File, _ entry: ZipEntry, into consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        var hasher = SHA256()
        do {
            try reader.read(entry) { chunk in
                hasher.update(bufferPointer: chunk)
                try consume(chunk)
            }
        } catch let error as ZipError {
            throw ArchiveError.zip(error)
        }
        let digest = FileDigest.hex(hasher.finalize())
        if digest != file.sha256 {
            throw ArchiveError.hashMismatch(archive: archivePath, entry: file.path, manifest: file.sha256, actual: digest)
        }
    }

    /// Total declared bytes of the present files.
    var totalBytes: UInt64 { present.reduce(0) { $0 + $1.file.size } }
}
