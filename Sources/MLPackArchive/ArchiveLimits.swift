import MLPackZip

/// Caps applied when reading an archive; see ``ZipReadLimits`` for how each is enforced.
public struct ArchiveLimits: Sendable, Equatable {
    /// Most entries.
    public var maxEntries: Int
    /// Most bytes one file may expand to.
    public var maxEntryBytes: UInt64
    /// Most bytes all files together may expand to.
    public var maxTotalBytes: UInt64
    /// Highest compression ratio for files over 1 MiB.
    public var maxCompressionRatio: UInt64

    /// Defaults: 65,536 entries, 16 GiB per file, 64 GiB in all, ratio 200.
    public init(
        maxEntries: Int = 65_536, maxEntryBytes: UInt64 = 16 << 30, maxTotalBytes: UInt64 = 64 << 30,
        maxCompressionRatio: UInt64 = 200
    ) {
        self.maxEntries = maxEntries
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxCompressionRatio = maxCompressionRatio
    }

    var zipLimits: ZipReadLimits {
        ZipReadLimits(
            maxEntries: maxEntries, maxEntryBytes: maxEntryBytes, maxTotalBytes: maxTotalBytes,
            maxCompressionRatio: maxCompressionRatio)
    }
}
