import Testing
import MLPackZip

@Test func libzipIsLinked() { #expect(ZipLibrary.version.hasPrefix("1.")) }
