import Foundation
import MLPackTestSupport
import Testing

/// 10,000 connections opened and closed against a real `mlpack serve`, in every way a client can
/// leave (FIN, RST, half a head, after an answer): the server keeps serving and its open file
/// descriptors (`/proc/PID/fd`) come back to where they were.
struct ServeConnectionChurnTests {
    static func descriptors(of pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    @Test(.timeLimit(.minutes(5))) func tenThousandConnectionsOpenedAndClosedLeaveNoDescriptorBehind() async throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try ServeProcess.saveTinyBERT(in: temp)
        let server = try ServeProcess(model: model.path, arguments: ["--threads", "1", "--log-level", "notice"])
        let port = server.port
        let pid = server.pid
        try await onOwnThread {
            #expect(try LoopbackConnection(port: port).request("GET", "/ping").status == 200)
            let baseline = Self.descriptors(of: pid)
            #expect(baseline > 0)
            var answered = 0
            var peak = 0
            // 100 batches of 100 connections open at once; most leave with RST (no TIME_WAIT
            // left on this side), one in ten with FIN, one in ten after a full answer.
            for batch in 0..<100 {
                var open: [LoopbackConnection] = []
                for index in 0..<100 {
                    let connection = try LoopbackConnection(port: port)
                    switch index % 10 {
                    case 1, 2, 3: try? connection.send("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half")
                    case 4: try? connection.send("POST /invocations HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"inp")
                    default: break
                    }
                    open.append(connection)
                }
                if batch % 10 == 0 {
                    // The server accepts them asynchronously: poll (bounded) until it holds most.
                    let until = ContinuousClock.now + .seconds(10)
                    repeat {
                        peak = max(peak, Self.descriptors(of: pid))
                        if peak > baseline + 50 { break }
                        Thread.sleep(forTimeInterval: 0.01)  // polling interval
                    } while ContinuousClock.now < until
                }
                for (index, connection) in open.enumerated() {
                    switch index % 10 {
                    case 0:
                        if try connection.request("GET", "/ping").status == 200 { answered += 1 }
                        connection.close()
                    case 9: connection.close()
                    default: connection.close(reset: true)
                    }
                }
            }
            #expect(answered == 1000)
            #expect(peak > baseline + 50, "the connections were open in the server at once (peak \(peak), baseline \(baseline))")
            // The server closes its side as it notices each client left: poll until it has.
            let deadline = ContinuousClock.now + .seconds(60)
            var now = Self.descriptors(of: pid)
            while now > baseline + 5 && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.05)  // polling interval
                now = Self.descriptors(of: pid)
            }
            #expect(now <= baseline + 5, "\(now) descriptors open, baseline \(baseline)")
            // The gauge falls as the server's event loops finish closing the last ones (the
            // descriptor check above allows a few still closing): poll it, bounded.
            var gauge = 99.0
            let gaugeDeadline = ContinuousClock.now + .seconds(30)
            repeat {
                let metrics = try LoopbackConnection(port: port).request("GET", "/metrics").text
                gauge = prometheusValue(metrics, "mlpack_http_connections_open") ?? 99
                if gauge <= 2 { break }
                Thread.sleep(forTimeInterval: 0.1)  // polling interval
            } while ContinuousClock.now < gaugeDeadline
            #expect(gauge <= 2, "the /metrics connection (and a /ping one closing)")
            #expect(try LoopbackConnection(port: port).request(
                "POST", "/invocations", body: #"{"inputs": ["still serving"]}"#).text.contains("predictions"))
        }
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }
}
