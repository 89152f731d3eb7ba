import MLPackCore
import MLPackZip

/// One-file model archives: pack, unpack, verify.
public enum ArchiveModule {}
