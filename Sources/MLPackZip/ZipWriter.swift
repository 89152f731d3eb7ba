import CZip
import Foundation

/// Writes a zip archive deterministically: the same entries give a byte-identical archive.
///
/// Entries are collected, then written at ``write(progress:)`` sorted by name (byte order of UTF-8),
/// each with the same fixed timestamp (1980-01-01 00:00:00, the DOS epoch), Unix mode 0644, no extra
/// fields and no archive comment. libzip writes to a temporary file next to the archive and renames it
/// into place when done, so a failed write leaves no partial archive.
public struct ZipWriter {
    /// Where the archive is written.
    public let archivePath: String
    private var pending: [String: Pending] = [:]

    private enum Source {
        case file(path: String)
        case bytes([UInt8])
    }

    private struct Pending {
        var name: String
        var source: Source
        var compression: ZipCompression
    }

    /// The path named in errors (the final archive's, when `archivePath` is a temporary).
    public let label: String

    /// A writer for a new archive at `archivePath` (replaced if it exists, when written); errors
    /// name `label` (default: `archivePath`).
    public init(archivePath: String, label: String? = nil) {
        self.archivePath = archivePath
        self.label = label ?? archivePath
    }

    /// The names added so far, sorted as they will be written.
    public var entryNames: [String] { pending.keys.sorted(by: Self.precedes) }

    /// Adds the regular file at `path` as entry `name`. The file is read when the archive is written.
    public mutating func addFile(named name: String, contentsOf path: String, compression: ZipCompression) throws {
        try checkNew(name)
        pending[name] = Pending(name: name, source: .file(path: path), compression: compression)
    }

    /// Adds `bytes` as entry `name`.
    public mutating func addData(named name: String, bytes: [UInt8], compression: ZipCompression) throws {
        try checkNew(name)
        pending[name] = Pending(name: name, source: .bytes(bytes), compression: compression)
    }

    private func checkNew(_ name: String) throws {
        if let reason = ZipEntryName.problem(with: name) ?? (name.hasSuffix("/") ? "directory entries are not written" : nil) {
            throw ZipError.unsafeEntryName(archive: label, entry: name, reason: reason)
        }
        let key = ZipEntryName.foldedKey(name)
        if let other = pending.keys.first(where: { ZipEntryName.foldedKey($0) == key }) {
            throw ZipError.duplicateEntry(archive: label, entry: name, clashesWith: other)
        }
    }

    /// Byte order of the UTF-8 names: independent of locale and of Unicode collation.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Writes the archive. `progress` receives the fraction done (0...1) while data is compressed and copied.
    public func write(progress: (@Sendable (Double) -> Void)? = nil) throws {
        var errorCode: Int32 = 0
        guard let archive = zip_open(archivePath, ZIP_CREATE | ZIP_TRUNCATE, &errorCode) else {
            throw ZipError.writeFailed(archive: label, entry: nil, reason: Self.message(forCode: errorCode))
        }
        var closed = false
        defer { if !closed { zip_discard(archive) } }

        for entry in pending.values.sorted(by: { Self.precedes($0.name, $1.name) }) {
            try add(entry, to: archive)
        }
        var box: Unmanaged<ProgressBox>?
        if let progress {
            let retained = Unmanaged.passRetained(ProgressBox(progress))
            box = retained
            zip_register_progress_callback_with_state(archive, 0.01, { _, fraction, state in
                guard let state else { return }
                Unmanaged<ProgressBox>.fromOpaque(state).takeUnretainedValue().report(fraction)
            }, nil, retained.toOpaque())
        }
        defer { box?.release() }
        if zip_close(archive) != 0 {
            let reason = String(cString: zip_strerror(archive))
            throw ZipError.writeFailed(archive: label, entry: nil, reason: reason)
        }
        closed = true
    }

    private func add(_ entry: Pending, to archive: OpaquePointer) throws {
        let source: OpaquePointer?
        switch entry.source {
        case let .file(path):
            source = zip_source_file(archive, path, 0, 0)
        case let .bytes(bytes):
            // libzip frees the copy (freep = 1) when it is done with it.
            let copy = malloc(max(bytes.count, 1))
            if let copy {
                bytes.withUnsafeBytes { raw in
                    if let base = raw.baseAddress, raw.count > 0 { copy.copyMemory(from: base, byteCount: raw.count) }
                }
            }
            source = copy.flatMap { zip_source_buffer(archive, $0, zip_uint64_t(bytes.count), 1) }
            if source == nil { free(copy) }
        }
        guard let source else {
            if case let .file(path) = entry.source {
                throw ZipError.unreadableInput(path: path, reason: String(cString: zip_strerror(archive)))
            }
            throw ZipError.writeFailed(archive: label, entry: entry.name, reason: String(cString: zip_strerror(archive)))
        }
        let index = zip_file_add(archive, entry.name, source, zip_flags_t(ZIP_FL_ENC_UTF_8))
        guard index >= 0 else {
            zip_source_free(source)
            throw ZipError.writeFailed(archive: label, entry: entry.name, reason: String(cString: zip_strerror(archive)))
        }
        let i = zip_uint64_t(index)
        let method: Int32
        let level: UInt32
        switch entry.compression {
        case .store: (method, level) = (ZIP_CM_STORE, 0)
        case let .deflate(l): (method, level) = (ZIP_CM_DEFLATE, UInt32(min(max(l, 1), 9)))
        }
        guard zip_set_file_compression(archive, i, method, level) == 0,
            zip_file_set_mtime(archive, i, Self.fixedTimestamp, 0) == 0,
            zip_file_set_external_attributes(archive, i, 0, zip_uint8_t(ZIP_OPSYS_UNIX), Self.regularFileAttributes) == 0
        else {
            throw ZipError.writeFailed(archive: label, entry: entry.name, reason: String(cString: zip_strerror(archive)))
        }
    }

    /// Unix mode 0100644 (regular file, rw-r--r--) in the high 16 bits, as Info-ZIP writes it.
    static let regularFileAttributes: UInt32 = 0o100644 << 16

    /// 1980-01-01 00:00:00 local time: libzip converts to DOS time with `localtime`, so taking the
    /// local-time `mktime` of the DOS epoch gives the same DOS fields in every time zone.
    static var fixedTimestamp: time_t {
        var parts = tm()
        parts.tm_year = 80
        parts.tm_mon = 0
        parts.tm_mday = 1
        parts.tm_hour = 0
        parts.tm_isdst = -1
        return mktime(&parts)
    }

    static func message(forCode code: Int32) -> String {
        var error = zip_error_t()
        zip_error_init_with_code(&error, code)
        defer { zip_error_fini(&error) }
        return String(cString: zip_error_strerror(&error))
    }
}

/// Holds the progress closure for libzip's C callback.
private final class ProgressBox {
    let report: @Sendable (Double) -> Void
    init(_ report: @escaping @Sendable (Double) -> Void) { self.report = report }
}
