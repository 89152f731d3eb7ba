/// Caps applied while reading an archive. Sizes in headers are checked against them up front and
/// the bytes actually produced are checked again while reading, because headers can lie.
public struct ZipReadLimits: Sendable, Equatable {
    /// Most entries an archive may have.
    public var maxEntries: Int
    /// Most bytes one entry may expand to.
    public var maxEntryBytes: UInt64
    /// Most bytes all entries together may expand to.
    public var maxTotalBytes: UInt64
    /// Highest uncompressed/compressed ratio allowed for an entry larger than ``ratioFloorBytes``.
    public var maxCompressionRatio: UInt64
    /// Entries at most this large are exempt from the ratio cap (small, very repetitive files are fine).
    public var ratioFloorBytes: UInt64

    /// Defaults for model archives: 65,536 entries, 16 GiB per entry, 64 GiB in all, ratio 200 above 1 MiB.
    public init(
        maxEntries: Int = 65_536,
        maxEntryBytes: UInt64 = 16 << 30,
        maxTotalBytes: UInt64 = 64 << 30,
        maxCompressionRatio: UInt64 = 200,
        ratioFloorBytes: UInt64 = 1 << 20
    ) {
        self.maxEntries = maxEntries
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioFloorBytes = ratioFloorBytes
    }
}
