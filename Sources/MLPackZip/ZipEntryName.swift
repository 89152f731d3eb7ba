import Foundation

/// Rules for entry names that are safe to extract under a target directory on any platform.
public enum ZipEntryName {
    /// The longest entry name accepted, in UTF-8 bytes.
    public static let maxLength = 1024

    /// Why `name` is unsafe, or `nil` when it is a relative path that stays inside the target.
    ///
    /// Refused: empty names, absolute paths (`/x`, `C:x`, `\\x`), backslashes, `.` and `..` components,
    /// empty components (`a//b`), control characters, and names longer than ``maxLength``.
    /// A single trailing `/` marks a directory entry and is allowed.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "empty name" }
        if name.utf8.count > maxLength { return "longer than \(maxLength) bytes" }
        if name.hasPrefix("/") { return "absolute path" }
        if name.contains("\\") { return "contains a backslash (Windows path separator)" }
        let scalars = Array(name.unicodeScalars)
        if scalars.count >= 2, scalars[1] == ":", scalars[0].isASCIILetter {
            return "absolute path (drive letter)"
        }
        if let bad = name.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            return "contains control character U+\(String(bad.value, radix: 16, uppercase: true))"
        }
        var body = Substring(name)
        if body.hasSuffix("/") { body = body.dropLast() }
        for component in body.split(separator: "/", omittingEmptySubsequences: false) {
            switch component {
            case "": return "empty path component"
            case ".": return "'.' path component"
            case "..": return "'..' path component (escapes the target directory)"
            default: continue
            }
        }
        return nil
    }

    /// The key two names share when they would land on the same file on a case-insensitive or
    /// normalising file system (Unicode NFC, then case folding).
    public static func foldedKey(_ name: String) -> String {
        String(name.precomposedStringWithCanonicalMapping.lowercased().uppercased().lowercased())
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool {
        (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
    }
}
