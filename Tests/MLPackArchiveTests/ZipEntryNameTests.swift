import MLPackZip
import Testing

@Suite struct ZipEntryNameTests {
    @Test(arguments: [
        "MLmodel", "model.sentence_transformer/1_Pooling/config.json", "artifacts/", ".hidden", "a..b", "..a", "ünïcode.txt",
    ])
    func safeNames(_ name: String) {
        #expect(ZipEntryName.problem(with: name) == nil)
    }

    @Test(arguments: [
        ("", "empty name"), ("/etc/passwd", "absolute path"), ("C:/x", "absolute path (drive letter)"),
        ("a\\b", "contains a backslash (Windows path separator)"), ("../x", "'..' path component (escapes the target directory)"),
        ("a/../../x", "'..' path component (escapes the target directory)"), ("./x", "'.' path component"),
        ("a//b", "empty path component"), ("a/b//", "empty path component"), ("a\u{0}b", "contains control character U+0"),
        ("a\nb", "contains control character U+A"),
    ])
    func unsafeNames(_ name: String, _ reason: String) {
        #expect(ZipEntryName.problem(with: name) == reason)
    }

    @Test func foldedKeysMatchCaseAndNormalisationVariants() {
        #expect(ZipEntryName.foldedKey("README.md") == ZipEntryName.foldedKey("readme.MD"))
        #expect(ZipEntryName.foldedKey("caf\u{E9}") == ZipEntryName.foldedKey("CAFE\u{301}"))
        #expect(ZipEntryName.foldedKey("stra\u{DF}e") == ZipEntryName.foldedKey("STRASSE"))
        #expect(ZipEntryName.foldedKey("a") != ZipEntryName.foldedKey("b"))
    }

    @Test func writerRefusesUnsafeAndClashingNames() throws {
        var writer = ZipWriter(archivePath: "/nonexistent/x.zip")
        try writer.addData(named: "MLmodel", bytes: [1], compression: .store)
        #expect(throws: ZipError.duplicateEntry(archive: "/nonexistent/x.zip", entry: "mlmodel", clashesWith: "MLmodel")) {
            try writer.addData(named: "mlmodel", bytes: [1], compression: .store)
        }
        #expect(throws: ZipError.unsafeEntryName(archive: "/nonexistent/x.zip", entry: "../x", reason: "'..' path component (escapes the target directory)")) {
            try writer.addData(named: "../x", bytes: [1], compression: .store)
        }
    }
}
