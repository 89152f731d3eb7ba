/// Everything that can go wrong reading or writing a zip archive. Each case names the archive and,
/// where there is one, the entry at fault, and says what was expected.
public enum ZipError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The archive could not be opened as a zip file (missing, truncated, not a zip, inconsistent).
    case unreadableArchive(archive: String, reason: String)
    /// The archive holds more entries than the limit allows.
    case tooManyEntries(archive: String, count: Int, limit: Int)
    /// An entry name that could escape the target directory or is not portable.
    case unsafeEntryName(archive: String, entry: String, reason: String)
    /// An entry whose Unix mode marks it as a symbolic link.
    case symlinkEntry(archive: String, entry: String)
    /// An entry that is neither a regular file nor a directory (device, FIFO, socket).
    case unsupportedEntryType(archive: String, entry: String, mode: UInt32)
    /// Two entries with the same name, or names equal after case folding, or a file that is also a directory.
    case duplicateEntry(archive: String, entry: String, clashesWith: String)
    /// A compression method other than store or deflate.
    case unsupportedCompression(archive: String, entry: String, method: Int32)
    /// An encrypted entry.
    case encryptedEntry(archive: String, entry: String)
    /// An entry larger than the per-entry limit (declared or actually read).
    case entryTooLarge(archive: String, entry: String, size: UInt64, limit: UInt64)
    /// Reading this entry would push the archive's total past the limit.
    case totalSizeExceeded(archive: String, entry: String, limit: UInt64)
    /// An entry whose uncompressed/compressed ratio is beyond the cap (a zip bomb).
    case compressionRatioExceeded(archive: String, entry: String, ratio: UInt64, limit: UInt64)
    /// An entry whose data stream yields more bytes than its header declares (a lying header).
    case entryLongerThanDeclared(archive: String, entry: String, declared: UInt64)
    /// An entry whose data stream ends before the size its header declares.
    case entryShorterThanDeclared(archive: String, entry: String, declared: UInt64, actual: UInt64)
    /// The CRC-32 of the entry's data differs from the header's.
    case crcMismatch(archive: String, entry: String)
    /// Reading an entry failed (corrupt compressed data, I/O error).
    case readFailed(archive: String, entry: String, reason: String)
    /// An input file for a new archive could not be used.
    case unreadableInput(path: String, reason: String)
    /// Writing the archive failed.
    case writeFailed(archive: String, entry: String?, reason: String)

    public var description: String {
        switch self {
        case let .unreadableArchive(archive, reason):
            return "\(archive): cannot read zip archive: \(reason)"
        case let .tooManyEntries(archive, count, limit):
            return "\(archive): \(count) entries, more than the limit of \(limit)"
        case let .unsafeEntryName(archive, entry, reason):
            return "\(archive): entry '\(entry)': unsafe name: \(reason)"
        case let .symlinkEntry(archive, entry):
            return "\(archive): entry '\(entry)' is a symbolic link; only regular files are allowed"
        case let .unsupportedEntryType(archive, entry, mode):
            return "\(archive): entry '\(entry)' has file mode \(String(mode, radix: 8)); only regular files and directories are allowed"
        case let .duplicateEntry(archive, entry, other):
            return entry == other
                ? "\(archive): entry '\(entry)' appears more than once"
                : "\(archive): entry '\(entry)' clashes with entry '\(other)' (same name ignoring case, or a file that is also a directory)"
        case let .unsupportedCompression(archive, entry, method):
            return "\(archive): entry '\(entry)' uses compression method \(method); only store (0) and deflate (8) are allowed"
        case let .encryptedEntry(archive, entry):
            return "\(archive): entry '\(entry)' is encrypted; encrypted entries are not supported"
        case let .entryTooLarge(archive, entry, size, limit):
            return "\(archive): entry '\(entry)' is \(size) bytes, more than the per-entry limit of \(limit) bytes"
        case let .totalSizeExceeded(archive, entry, limit):
            return "\(archive): entry '\(entry)' takes the archive past the total limit of \(limit) bytes"
        case let .compressionRatioExceeded(archive, entry, ratio, limit):
            return "\(archive): entry '\(entry)' expands \(ratio)x, more than the compression-ratio cap of \(limit)x (zip bomb?)"
        case let .entryLongerThanDeclared(archive, entry, declared):
            return "\(archive): entry '\(entry)' yields more data than the \(declared) bytes its header declares"
        case let .entryShorterThanDeclared(archive, entry, declared, actual):
            return "\(archive): entry '\(entry)' yields \(actual) bytes, its header declares \(declared)"
        case let .crcMismatch(archive, entry):
            return "\(archive): entry '\(entry)': CRC-32 of the data does not match the header (corrupt or tampered)"
        case let .readFailed(archive, entry, reason):
            return "\(archive): entry '\(entry)': read failed: \(reason)"
        case let .unreadableInput(path, reason):
            return "\(path): cannot add to archive: \(reason)"
        case let .writeFailed(archive, entry, reason):
            if let entry { return "\(archive): writing entry '\(entry)' failed: \(reason)" }
            return "\(archive): writing archive failed: \(reason)"
        }
    }

    /// The entry at fault, when the error concerns one entry.
    public var entry: String? {
        switch self {
        case .unreadableArchive, .tooManyEntries, .unreadableInput: return nil
        case let .unsafeEntryName(_, entry, _), let .symlinkEntry(_, entry), let .unsupportedEntryType(_, entry, _),
            let .duplicateEntry(_, entry, _), let .unsupportedCompression(_, entry, _), let .encryptedEntry(_, entry),
            let .entryTooLarge(_, entry, _, _), let .totalSizeExceeded(_, entry, _),
            let .compressionRatioExceeded(_, entry, _, _), let .entryLongerThanDeclared(_, entry, _),
            let .entryShorterThanDeclared(_, entry, _, _), let .crcMismatch(_, entry), let .readFailed(_, entry, _):
            return entry
        case let .writeFailed(_, entry, _): return entry
        }
    }
}
