import Foundation
import MLPackArchive
import MLPackCore

// pack-bench pack MODEL_DIR OUT.zip | unpack ARCHIVE.zip OUT_DIR | verify ARCHIVE.zip
let arguments = CommandLine.arguments
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("pack-bench: \(message)\n".utf8))
    exit(1)
}
guard arguments.count >= 3 else { fail("usage: pack-bench pack DIR OUT.zip | unpack ZIP DIR | verify ZIP") }
do {
    switch arguments[1] {
    case "pack" where arguments.count == 4:
        let report = try ArchivePacker.pack(
            modelDirectory: URL(fileURLWithPath: arguments[2]), to: URL(fileURLWithPath: arguments[3]),
            options: PackOptions(support: MLModelPackSupport(), overwrite: true), progress: TerminalProgressBar())
        print("\(report.files.count) files, \(report.totalBytes) bytes -> \(report.archiveSize) bytes, sha256 \(report.archiveSHA256)")
    case "unpack" where arguments.count == 4:
        let report = try ArchiveUnpacker.unpack(
            archive: URL(fileURLWithPath: arguments[2]), to: URL(fileURLWithPath: arguments[3]), force: true,
            progress: TerminalProgressBar())
        print("\(report.manifest.files.count) files, \(report.totalBytes) bytes")
    case "verify" where arguments.count == 3:
        let findings = ArchiveVerifier.verify(archive: URL(fileURLWithPath: arguments[2]))
        findings.forEach { print($0) }
        if !findings.isValid { exit(1) }
    default:
        fail("usage: pack-bench pack DIR OUT.zip | unpack ZIP DIR | verify ZIP")
    }
} catch {
    fail("\(error)")
}
