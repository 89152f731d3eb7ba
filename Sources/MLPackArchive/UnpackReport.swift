/// What ``ArchiveUnpacker/unpack(archive:to:force:limits:progress:)`` extracted.
public struct UnpackReport: Sendable, Equatable {
    /// The model directory written.
    public var directory: String
    /// The archive's manifest (every file it lists was extracted and matched its SHA-256).
    public var manifest: ArchiveManifest
    /// Total bytes extracted.
    public var totalBytes: UInt64
    /// Whether an existing directory was replaced (`force`).
    public var replacedExisting: Bool
}
