import ArgumentParser
import MLPackServer
import Testing

@testable import MLPackCLI

@Suite struct ServeCommandTests {
    @Test func defaultsFollowMLflowsServer() throws {
        let command = try #require(try MLPackCommand.parseAsRoot(["serve", "-m", "model-dir"]) as? ServeCommand)
        #expect(command.model == "model-dir")
        let configuration = command.serverConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 5000)
        #expect(configuration.requestTimeout == .seconds(60))
        #expect(configuration.batching.maxBatchSize == 32)
        #expect(configuration.batching.maxDelay == .zero)
        #expect(configuration.batching.maxConcurrentBatches == 1)
        #expect(configuration.apiKey == nil)
        #expect(configuration.publicMetrics == false)
        #expect(configuration.drainPeriod == .zero)
        #expect(configuration.reportedVersion == "3.17.2")
    }

    @Test func optionsReachTheServerConfiguration() throws {
        let command = try #require(
            try MLPackCommand.parseAsRoot([
                "serve", "--model", "m", "--host", "0.0.0.0", "-p", "8080", "-w", "2", "--max-batch-size", "64",
                "--max-batch-delay-ms", "12", "--max-body-bytes", "1000", "--max-rows", "50", "--max-json-depth", "9",
                "--timeout", "2.5", "--max-queue-rows", "99", "--max-connections", "10", "--api-key", "k",
                "--public-metrics", "--drain-seconds", "1.5",
            ]) as? ServeCommand)
        let configuration = command.serverConfiguration()
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 8080)
        #expect(configuration.batching.maxConcurrentBatches == 2)
        #expect(configuration.batching.maxBatchSize == 64)
        #expect(configuration.batching.maxDelay == .milliseconds(12))
        #expect(configuration.batching.maxQueuedRows == 99)
        #expect(configuration.maxBodyBytes == 1000)
        #expect(configuration.maxRowsPerRequest == 50)
        #expect(configuration.maxJSONDepth == 9)
        #expect(configuration.requestTimeout == .milliseconds(2500))
        #expect(configuration.maxConnections == 10)
        #expect(configuration.apiKey == "k")
        #expect(configuration.publicMetrics)
        #expect(configuration.drainPeriod == .milliseconds(1500))
    }

    @Test func apiKeyComesFromTheEnvironmentWhenNotGiven() throws {
        let command = try #require(try MLPackCommand.parseAsRoot(["serve", "-m", "m"]) as? ServeCommand)
        #expect(command.serverConfiguration(environment: ["MLPACK_API_KEY": "from-env"]).apiKey == "from-env")
        #expect(command.serverConfiguration(environment: ["MLPACK_API_KEY": ""]).apiKey == nil)
    }

    @Test func badValuesAreUsageErrors() async {
        for arguments in [
            ["serve"], ["serve", "-m", "m", "--port", "70000"], ["serve", "-m", "m", "--max-batch-size", "0"],
            ["serve", "-m", "m", "--timeout", "0"], ["serve", "-m", "m", "--max-json-depth", "5000"],
            ["serve", "-m", "m", "--log-level", "loud"], ["serve", "-m", "m", "--api-key", ""],
        ] {
            #expect(await MLPackCommand.runMain(arguments) == 2, "\(arguments)")
        }
    }

    @Test func helpShowsRoutesAndExamples() {
        let help = MLPackCommand.helpMessage(for: ServeCommand.self)
        #expect(help.contains("mlpack serve -m ./similarity-model"))
        #expect(help.contains("/invocations"))
        #expect(help.contains("--max-batch-delay-ms"))
        #expect(help.contains("MLPACK_API_KEY"))
    }

    @Test func aModelThatCannotBeLoadedFailsWithExitCode1() async {
        #expect(await MLPackCommand.runMain(["serve", "-m", "/nonexistent/model-dir", "--port", "0"]) == 1)
    }
}
