import Testing
@testable import MLPackCore

@Test func versionIsSemantic() {
    let parts = MLPack.version.split(separator: ".")
    #expect(parts.count == 3)
    #expect(parts.allSatisfy { Int($0) != nil })
}
