import Crypto
import Foundation

/// SHA-256 helpers (swift-crypto).
public enum FileDigest {
    /// Lower-case hex of a digest.
    static func hex<D: Digest>(_ digest: D) -> String {
        var out = ""
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return out
    }

    private static let hexDigits = Array("0123456789abcdef")

    /// SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// SHA-256 and size of the file at `path`, read in 1 MiB chunks; `progress` gets bytes read so far.
    public static func sha256(ofFile path: String, progress: ((UInt64) -> Void)? = nil) throws -> (digest: String, size: UInt64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 { throw ArchiveError.posix(path, "open") }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var size: UInt64 = 0
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw ArchiveError.posix(path, "read")
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
            size += UInt64(n)
            progress?(size)
        }
        return (hex(hasher.finalize()), size)
    }
}
