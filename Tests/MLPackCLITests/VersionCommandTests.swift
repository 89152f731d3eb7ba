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
        #expect(MLPackCommand.exitCode(for: error) == .success)
    }
}

@Test func unknownFlagIsAUsageError() async {
    #expect(await MLPackCommand.runMain(["--no-such-flag"]) == 2)
}
