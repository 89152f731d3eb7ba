import CZip
import Foundation

/// Reads a zip archive that may be hostile.
///
/// Opening checks the whole central directory before any data is read: the archive must be consistent
/// (libzip's `ZIP_CHECKCONS`: local headers agree with the central directory), every name must pass
/// ``ZipEntryName``, no entry may be a symbolic link or special file (Unix mode in the external
/// attributes), no two names may be equal (exactly or after case folding) and no file may also be a
/// directory, only store/deflate and no encryption, and declared sizes and ratios must be within
/// ``ZipReadLimits``. Reading then enforces, on the bytes actually produced, the declared size (headers
/// can lie), the per-entry, total and ratio limits, and the CRC-32.
public final class ZipReader {
    /// The archive's path, as given.
    public let archivePath: String
    /// The limits in force.
    public let limits: ZipReadLimits
    /// Every entry, in central-directory order.
    public let entries: [ZipEntry]
    /// Bytes produced so far by all reads.
    public private(set) var totalBytesRead: UInt64 = 0

    private let archive: OpaquePointer
    private let buffer: UnsafeMutableRawBufferPointer
    private static let bufferSize = 1 << 20

    /// Opens and checks the archive at `archivePath`.
    public init(archivePath: String, limits: ZipReadLimits = ZipReadLimits()) throws {
        self.archivePath = archivePath
        self.limits = limits
        var code: Int32 = 0
        guard let archive = zip_open(archivePath, ZIP_RDONLY | ZIP_CHECKCONS, &code) else {
            throw Self.openError(archivePath, code: code, limits: limits)
        }
        do {
            entries = try Self.checkedEntries(of: archive, path: archivePath, limits: limits)
        } catch {
            zip_discard(archive)
            throw error
        }
        self.archive = archive
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
    }

    deinit {
        zip_discard(archive)
        buffer.deallocate()
    }

    /// The entry named exactly `name`, if any.
    public func entry(named name: String) -> ZipEntry? {
        entries.first { $0.name == name }
    }

    /// Streams the data of `entry` to `consume` in chunks, checking sizes, ratio and CRC as it goes.
    /// Returns the number of bytes produced (equal to the declared size when no error is thrown).
    @discardableResult
    public func read(_ entry: ZipEntry, into consume: (UnsafeRawBufferPointer) throws -> Void) throws -> UInt64 {
        guard let file = zip_fopen_index(archive, entry.index, 0) else {
            throw readError(entry, zip_get_error(archive))
        }
        defer { zip_fclose(file) }
        let cap = min(entry.declaredSize, limits.maxEntryBytes)
        var produced: UInt64 = 0
        while true {
            // Ask for at most one byte past the cap, so a lying stream is caught without inflating it.
            let want = Int(min(UInt64(buffer.count), cap - produced + 1))
            let n = zip_fread(file, buffer.baseAddress!, zip_uint64_t(want))
            if n < 0 { throw readError(entry, zip_file_get_error(file)) }
            if n == 0 { break }
            produced += UInt64(n)
            if produced > entry.declaredSize {
                throw ZipError.entryLongerThanDeclared(archive: archivePath, entry: entry.name, declared: entry.declaredSize)
            }
            if produced > limits.maxEntryBytes {
                throw ZipError.entryTooLarge(archive: archivePath, entry: entry.name, size: produced, limit: limits.maxEntryBytes)
            }
            if totalBytesRead + produced > limits.maxTotalBytes {
                throw ZipError.totalSizeExceeded(archive: archivePath, entry: entry.name, limit: limits.maxTotalBytes)
            }
            let ratio = produced / max(entry.compressedSize, 1)
            if produced > limits.ratioFloorBytes, ratio > limits.maxCompressionRatio {
                throw ZipError.compressionRatioExceeded(
                    archive: archivePath, entry: entry.name, ratio: ratio, limit: limits.maxCompressionRatio)
            }
            try consume(UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(n)))
        }
        if produced != entry.declaredSize {
            throw ZipError.entryShorterThanDeclared(
                archive: archivePath, entry: entry.name, declared: entry.declaredSize, actual: produced)
        }
        totalBytesRead += produced
        return produced
    }

    /// Reads all of `entry` into memory; refuses entries declared larger than `maxBytes`.
    public func readAll(_ entry: ZipEntry, maxBytes: UInt64) throws -> [UInt8] {
        if entry.declaredSize > maxBytes {
            throw ZipError.entryTooLarge(archive: archivePath, entry: entry.name, size: entry.declaredSize, limit: maxBytes)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(entry.declaredSize))
        try read(entry) { bytes.append(contentsOf: $0) }
        return bytes
    }

    private func readError(_ entry: ZipEntry, _ error: UnsafeMutablePointer<zip_error_t>) -> ZipError {
        if zip_error_code_zip(error) == ZIP_ER_CRC {
            return .crcMismatch(archive: archivePath, entry: entry.name)
        }
        return .readFailed(archive: archivePath, entry: entry.name, reason: String(cString: zip_error_strerror(error)))
    }
}
