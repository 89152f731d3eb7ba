/// One entry of an archive opened by ``ZipReader``, as its central directory declares it.
/// Declared sizes are claims: ``ZipReader`` enforces them while reading.
public struct ZipEntry: Sendable, Equatable {
    /// Position in the central directory.
    public let index: UInt64
    /// The entry's name, validated by ``ZipEntryName`` (a trailing `/` marks a directory).
    public let name: String
    /// Whether the entry is a directory (name ends with `/`).
    public let isDirectory: Bool
    /// Uncompressed size declared by the header.
    public let declaredSize: UInt64
    /// Compressed size declared by the header.
    public let compressedSize: UInt64
    /// CRC-32 declared by the header.
    public let crc32: UInt32
    /// How the data is stored.
    public let compression: ZipCompression
}
