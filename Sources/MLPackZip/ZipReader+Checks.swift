import CZip
import Foundation

extension ZipReader {
    /// Maps a failed `zip_open` to an error. A duplicate name makes libzip's consistency check fail
    /// without naming it, so the archive is opened again without the check to find and name it.
    static func openError(_ path: String, code: Int32, limits: ZipReadLimits) -> ZipError {
        switch code {
        case ZIP_ER_EXISTS:
            var second: Int32 = 0
            if let archive = zip_open(path, ZIP_RDONLY, &second) {
                defer { zip_discard(archive) }
                do {
                    _ = try checkedEntries(of: archive, path: path, limits: limits)
                } catch let error as ZipError {
                    return error
                } catch {}
            }
            return .unreadableArchive(archive: path, reason: "two entries have the same name")
        case ZIP_ER_NOZIP:
            return .unreadableArchive(archive: path, reason: "not a zip archive, or truncated (no end-of-central-directory record)")
        case ZIP_ER_INCONS:
            return .unreadableArchive(
                archive: path, reason: "inconsistent archive: local headers disagree with the central directory, or it is truncated")
        case ZIP_ER_NOENT:
            return .unreadableArchive(archive: path, reason: "no such file")
        default:
            return .unreadableArchive(archive: path, reason: ZipWriter.message(forCode: code))
        }
    }

    /// Checks every central-directory entry (see ``ZipReader``) and returns them.
    static func checkedEntries(of archive: OpaquePointer, path: String, limits: ZipReadLimits) throws -> [ZipEntry] {
        let count = zip_get_num_entries(archive, 0)
        if count < 0 { throw ZipError.unreadableArchive(archive: path, reason: String(cString: zip_strerror(archive))) }
        if count > limits.maxEntries {
            throw ZipError.tooManyEntries(archive: path, count: Int(count), limit: limits.maxEntries)
        }
        var entries: [ZipEntry] = []
        var exact: Set<String> = []
        var folded: [String: String] = [:]
        var total: UInt64 = 0
        for index in 0..<zip_uint64_t(count) {
            let entry = try checkedEntry(archive, index: index, path: path, limits: limits)
            if !exact.insert(entry.name).inserted {
                throw ZipError.duplicateEntry(archive: path, entry: entry.name, clashesWith: entry.name)
            }
            let key = ZipEntryName.foldedKey(entry.name)
            if let other = folded[key] {
                throw ZipError.duplicateEntry(archive: path, entry: entry.name, clashesWith: other)
            }
            folded[key] = entry.name
            total += entry.declaredSize
            if total > limits.maxTotalBytes {
                throw ZipError.totalSizeExceeded(archive: path, entry: entry.name, limit: limits.maxTotalBytes)
            }
            entries.append(entry)
        }
        try checkFileDirectoryClashes(entries, path: path)
        return entries
    }

    private static func checkedEntry(
        _ archive: OpaquePointer, index: zip_uint64_t, path: String, limits: ZipReadLimits
    ) throws -> ZipEntry {
        guard let raw = zip_get_name(archive, index, zip_flags_t(ZIP_FL_ENC_RAW)) else {
            throw ZipError.unreadableArchive(archive: path, reason: "entry \(index): \(String(cString: zip_strerror(archive)))")
        }
        guard let name = String(validatingCString: raw) else {
            let shown = String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
            throw ZipError.unsafeEntryName(archive: path, entry: shown, reason: "not valid UTF-8")
        }
        if let reason = ZipEntryName.problem(with: name) {
            throw ZipError.unsafeEntryName(archive: path, entry: name, reason: reason)
        }
        let isDirectory = name.hasSuffix("/")
        var system: zip_uint8_t = 0
        var attributes: zip_uint32_t = 0
        if zip_file_get_external_attributes(archive, index, 0, &system, &attributes) == 0,
            system == zip_uint8_t(ZIP_OPSYS_UNIX)
        {
            let mode = attributes >> 16
            switch mode & 0o170000 {
            case 0, 0o100000: if isDirectory && mode & 0o170000 != 0 { throw unsupported(path, name, mode) }
            case 0o040000: if !isDirectory { throw unsupported(path, name, mode) }
            case 0o120000: throw ZipError.symlinkEntry(archive: path, entry: name)
            default: throw unsupported(path, name, mode)
            }
        }
        var info = zip_stat_t()
        zip_stat_init(&info)
        guard zip_stat_index(archive, index, zip_flags_t(ZIP_FL_ENC_RAW), &info) == 0 else {
            throw ZipError.readFailed(archive: path, entry: name, reason: String(cString: zip_strerror(archive)))
        }
        let needed = zip_uint64_t(ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD)
        guard info.valid & needed == needed else {
            throw ZipError.readFailed(archive: path, entry: name, reason: "header lacks size, CRC or method")
        }
        if info.valid & zip_uint64_t(ZIP_STAT_ENCRYPTION_METHOD) != 0, info.encryption_method != UInt16(ZIP_EM_NONE) {
            throw ZipError.encryptedEntry(archive: path, entry: name)
        }
        let compression: ZipCompression
        switch Int32(info.comp_method) {
        case ZIP_CM_STORE: compression = .store
        case ZIP_CM_DEFLATE: compression = .deflate
        default: throw ZipError.unsupportedCompression(archive: path, entry: name, method: Int32(info.comp_method))
        }
        if isDirectory, info.size != 0 {
            throw ZipError.unsafeEntryName(archive: path, entry: name, reason: "directory entry with \(info.size) bytes of data")
        }
        if info.size > limits.maxEntryBytes {
            throw ZipError.entryTooLarge(archive: path, entry: name, size: info.size, limit: limits.maxEntryBytes)
        }
        let ratio = info.size / max(info.comp_size, 1)
        if info.size > limits.ratioFloorBytes, ratio > limits.maxCompressionRatio {
            throw ZipError.compressionRatioExceeded(archive: path, entry: name, ratio: ratio, limit: limits.maxCompressionRatio)
        }
        return ZipEntry(
            index: index, name: name, isDirectory: isDirectory, declaredSize: info.size,
            compressedSize: info.comp_size, crc32: info.crc, compression: compression)
    }

    private static func unsupported(_ path: String, _ name: String, _ mode: UInt32) -> ZipError {
        .unsupportedEntryType(archive: path, entry: name, mode: mode)
    }

    /// Refuses a file whose name (case-folded) is also a directory of another entry: `a` and `a/b`.
    private static func checkFileDirectoryClashes(_ entries: [ZipEntry], path: String) throws {
        var directories: [String: String] = [:]
        for entry in entries {
            let components = entry.name.split(separator: "/")
            let parents = entry.isDirectory ? components.count : components.count - 1
            for depth in stride(from: 1, through: parents, by: 1) {
                let directory = components[0..<depth].joined(separator: "/")
                let key = ZipEntryName.foldedKey(directory)
                if directories[key] == nil { directories[key] = entry.name }
            }
        }
        for entry in entries where !entry.isDirectory {
            if let other = directories[ZipEntryName.foldedKey(entry.name)] {
                throw ZipError.duplicateEntry(archive: path, entry: entry.name, clashesWith: other)
            }
        }
    }
}
