/// How an entry's data is stored in the archive.
public enum ZipCompression: Sendable, Equatable, CustomStringConvertible {
    /// Stored as is (method 0): for data that is already compressed or does not compress (weights).
    case store
    /// Deflated (method 8) at the given zlib level, 1 (fastest) to 9 (smallest).
    case deflate(level: Int)

    /// Deflate at zlib's usual level 6 (what `zip -r` uses).
    public static let deflate = ZipCompression.deflate(level: 6)

    public var description: String {
        switch self {
        case .store: return "store"
        case let .deflate(level): return "deflate(level \(level))"
        }
    }
}
