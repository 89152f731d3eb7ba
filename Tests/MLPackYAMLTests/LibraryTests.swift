import Testing
@testable import MLPackYAML

@Test func libyamlIsLinked() { #expect(YAMLLibrary.version.hasPrefix("0.2")) }
