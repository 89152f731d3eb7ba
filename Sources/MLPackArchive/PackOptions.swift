import MLPackZip

/// How ``ArchivePacker`` packs a model directory.
public struct PackOptions: Sendable {
    /// Reads flavors and generates missing environment files.
    public var support: any PackModelSupport
    /// Replace an existing archive at the output path.
    public var overwrite: Bool
    /// File-name suffixes (lower case, with the dot) stored uncompressed: weights and already-compressed data.
    public var storedSuffixes: Set<String>
    /// zlib level for everything else (1...9).
    public var deflateLevel: Int

    /// Suffixes stored as is by default.
    public static let defaultStoredSuffixes: Set<String> = [
        ".safetensors", ".bin", ".onnx", ".npy", ".npz", ".pt", ".pth", ".ckpt", ".h5", ".gguf", ".tflite",
        ".zip", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".lz4", ".7z", ".whl", ".jar",
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp3", ".mp4", ".parquet",
    ]

    public init(
        support: any PackModelSupport, overwrite: Bool = false,
        storedSuffixes: Set<String> = PackOptions.defaultStoredSuffixes, deflateLevel: Int = 6
    ) {
        self.support = support
        self.overwrite = overwrite
        self.storedSuffixes = storedSuffixes
        self.deflateLevel = deflateLevel
    }

    /// Store for weights, already-compressed data and empty files; deflate otherwise.
    public func compression(forPath path: String, size: UInt64) -> ZipCompression {
        if size == 0 { return .store }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = name.lastIndex(of: "."), storedSuffixes.contains(name[dot...].lowercased()) {
            return .store
        }
        return .deflate(level: deflateLevel)
    }
}
