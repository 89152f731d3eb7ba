import Foundation
import MLPackTestSupport
import Testing

/// Logging never stops serving: `mlpack serve` writes its access log through a bounded queue
/// emptied by its own thread, so a stderr nobody reads costs dropped (and counted) lines, not a
/// server that hangs once the pipe is full.
struct ServeLoggingTests {
    @Test(.timeLimit(.minutes(3))) func aStderrPipeNobodyReadsDoesNotStopTheServer() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try ServeProcess.saveTinyBERT(in: temp)
        // After the port line nobody reads the server's stderr again; the pipe stays open (a
        // closed one would fail the writes instead of blocking them).
        let server = try ServeProcess(model: model.path, arguments: ["--threads", "1", "--log-level", "info"])

        // 20,000 answered requests log about 2.5 MB: the 64 KiB pipe buffer fills ~40 times over,
        // and the writer's 256 KiB queue with it. Each must still be answered (within 30 s).
        let requests = 20_000
        var answered = 0
        let connections = (0..<4).map { _ in try? LoopbackConnection(port: server.port) }
        for index in 0..<requests {
            let connection = try #require(connections[index % connections.count])
            let answer: LoopbackConnection.Answer
            if index % 500 == 0 {
                answer = try connection.request("POST", "/invocations", body: #"{"inputs": ["still serving \#(index)"]}"#)
                #expect(answer.text.contains("predictions"), "\(answer.text)")
            } else {
                answer = try connection.request("GET", index % 2 == 0 ? "/health" : "/ping")
            }
            if answer.status == 200 { answered += 1 }
        }
        #expect(answered == requests)

        let metrics = try LoopbackConnection(port: server.port).request("GET", "/metrics")
        #expect(metrics.status == 200)
        let dropped = metrics.text.split(separator: "\n")
            .first { $0.hasPrefix("mlpack_log_lines_dropped_total ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        let count = try #require(dropped, "no mlpack_log_lines_dropped_total in /metrics")
        #expect(count > 0, "the writer dropped no line although nobody read 2.5 MB of log")
        print("ServeLoggingTests: \(requests) requests answered with stderr unread; \(Int(count)) log lines dropped")

        // The process still stops on SIGTERM (the writer gives up on the unread pipe).
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }
}
