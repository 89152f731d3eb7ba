#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

@testable import MLPackServer

/// `ScoringServer.run()` is what `mlpack serve` runs: a real socket, SIGTERM/SIGINT handling.
@Suite(.serialized) struct ShutdownTests {
    @Test(.timeLimit(.minutes(1))) func sigtermDrainsInFlightRequestsThenReturns() async throws {
        // Keep the default action (terminate) away from this test process whatever the timing;
        // the server's signal source still sees the signal.
        signal(SIGTERM, SIG_IGN)
        let model = ScriptedModel { _ in
            Thread.sleep(forTimeInterval: 0.6)
            return .value(.array([.array([.double(0.5)])]))
        }
        var logger = Logger(label: "mlpack.serve.shutdown-test")
        logger.logLevel = .critical
        let service = ModelService(name: "scripted", model: model, configuration: .init(port: 0))
        let server = ScoringServer(service: service, configuration: .init(port: 0), logger: logger)
        let bound = Mutex<Int?>(nil)
        let serving = Task {
            try await server.run { port in bound.withLock { $0 = port } }
        }
        var port = 0
        for _ in 0..<500 {
            if let value = bound.withLock({ $0 }) { port = value; break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(port > 0)
        let boundPort = port
        let inFlight = Task {
            try await TestClient.withClient(host: "127.0.0.1", port: boundPort) { client in
                try await client.post(
                    "/invocations", headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"inputs": [1]}"#))
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        kill(getpid(), SIGTERM)
        let response = try await inFlight.value
        #expect(response.status.code == 200)
        #expect(String(buffer: response.body ?? ByteBuffer()) == #"{"predictions": [[0.5]]}"#)
        // run() returns normally (the command then exits 0).
        try await serving.value
        // And the port is closed.
        await #expect(throws: (any Error).self) {
            try await TestClient.withClient(
                host: "127.0.0.1", port: boundPort, configuration: .init(timeout: .seconds(2))
            ) { client in try await client.get("/ping") }
        }
    }
}
