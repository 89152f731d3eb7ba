import ArgumentParser
import Testing
@testable import MLPackCLI
import MLPackCore

@Test func versionFlagPrintsVersion() throws {
    do {
        _ = try MLPackCommand.parseAsRoot(["--version"])
        Issue.record("--version should exit cleanly")
    } catch {
        #expect(MLPackCommand.message(for: error) == MLPack.version)
    }
}
