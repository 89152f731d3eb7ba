import MLPackZip

/// What ``ArchivePacker/pack(modelDirectory:to:options:progress:)`` wrote.
public struct PackReport: Sendable, Equatable {
    /// One file in the archive.
    public struct PackedFile: Sendable, Equatable {
        public var path: String
        public var size: UInt64
        public var sha256: String
        public var compression: ZipCompression
        /// Generated at pack time (a missing environment file), not read from the model directory.
        public var generated: Bool
    }

    /// The archive written.
    public var archivePath: String
    /// Its size in bytes.
    public var archiveSize: UInt64
    /// Its SHA-256 (the key of ``ArchiveCache``).
    public var archiveSHA256: String
    /// The manifest written into it.
    public var manifest: ArchiveManifest
    /// Every file, sorted by path (the manifest itself excluded).
    public var files: [PackedFile]
    /// Environment files that were missing and generated.
    public var generatedFiles: [String] { manifest.generatedFiles }
    /// Files of the model directory left out (an old manifest at the root is replaced, not copied).
    public var skippedFiles: [String]
    /// Total size of the packed files, uncompressed.
    public var totalBytes: UInt64 { files.reduce(0) { $0 + $1.size } }
}
