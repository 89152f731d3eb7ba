import Foundation
import MLPackTestSupport
import Testing

/// `mlpack serve --drain-seconds`: after SIGTERM the real server keeps answering while its readiness
/// probe (/ping) says 503 (what takes it out of a load balancer's or Kubernetes' rotation) and its
/// liveness probe (/health) stays 200, every answer saying `Connection: close`; then it exits 0.
struct ServeDrainTests {
    /// `curl` status code and body of one request.
    func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-m", "10", "-w", "\n%{http_code}"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let status = Int(text.split(separator: "\n").last ?? "") ?? 0
        return (status, String(text.split(separator: "\n").dropLast().joined(separator: "\n")))
    }

    @Test func pingSays503AndHealthStays200WhileDrainingThenTheServerExits() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try ServeProcess.saveTinyBERT(in: temp)
        let server = try ServeProcess(model: model.path, arguments: ["--threads", "1", "--drain-seconds", "3"])
        let base = server.base
        #expect(try curl([base + "/ping"]).status == 200)
        #expect(try curl(["-D", "-", "-o", "/dev/null", base + "/health"]).body.lowercased().contains("connection: close") == false)

        server.signal(SIGTERM)
        let signalled = Date()
        // Draining: the probe is 503 (soon after the signal) while scoring still works.
        var probe = try curl([base + "/ping"])
        for _ in 0..<20 where probe.status == 200 {
            Thread.sleep(forTimeInterval: 0.05)
            probe = try curl([base + "/ping"])
        }
        #expect(probe.status == 503, "\(probe)")
        #expect(probe.body.contains("draining"))
        // Liveness stays up: the process is alive and serving.
        let health = try curl(["-D", "-", base + "/health"])
        #expect(health.status == 200, "\(health)")
        #expect(health.body.lowercased().contains("connection: close"), "\(health)")
        let scored = try curl(["-H", "Content-Type: application/json", "-d", #"{"inputs": ["still serving"]}"#, base + "/invocations"])
        #expect(scored.status == 200, "\(scored)")
        #expect(Date().timeIntervalSince(signalled) < 3, "checked within the drain window")

        let status = server.waitForExit()
        let elapsed = Date().timeIntervalSince(signalled)
        #expect(status == 0)
        #expect(elapsed >= 2.9, "exited after \(elapsed) s, before the 3 s drain ended")
        #expect(try curl([base + "/ping"]).status == 0, "nothing listens after the exit")
    }
}
