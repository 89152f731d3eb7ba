#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MLPackServer

/// What a draining server (after SIGTERM, `--drain-seconds`) answers, as Kubernetes and load
/// balancers see it: `/ping` (readiness) 503, `/health` (liveness) 200, scoring still served, and
/// every answer with `Connection: close`, the connection then closed by the server.
@Suite struct DrainTests {
    @Test func drainingTakesPingOutOfRotationButHealthStaysLive() async throws {
        try await withServer(prepare: { $0.drain.begin() }) { client in
            let ping = try await client.get("/ping")
            #expect(ping.status.code == 503)
            #expect(ping.text.contains("draining"))
            let health = try await client.get("/health")
            #expect(health.status.code == 200)
            #expect(health.text == "\n")
            let scored = try await client.post("/invocations", contentType: "application/json", body: #"{"inputs": [1]}"#)
            #expect(scored.status.code == 200)
            for response in [ping, health, scored] {
                #expect(response.headers[.connection] == "close")
            }
            // Errors too (rendered at the edge).
            let missing = try await client.get("/nowhere")
            #expect(missing.status.code == 404)
            #expect(missing.headers[.connection] == "close")
        }
    }

    @Test func notDrainingKeepsConnectionsAlive() async throws {
        try await withServer { client in
            for uri in ["/ping", "/health"] {
                let response = try await client.get(uri)
                #expect(response.status.code == 200)
                #expect(response.headers[.connection] == nil)
            }
        }
    }

    @Test func theServerClosesTheConnectionAfterADrainingAnswer() async throws {
        try await withLiveServer(prepare: { $0.drain.begin() }) { port in
            let exchange = try await RawHTTP.exchange(port: port, request: "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n", linger: 5)
            #expect(exchange.text.hasPrefix("HTTP/1.1 200"), "\(exchange.text)")
            #expect(RawHTTP.isComplete(Array(exchange.text.utf8)), "\(exchange.text)")
            #expect(exchange.text.lowercased().contains("connection: close"))
            #expect(exchange.closedByServer, "the server should close the connection itself")
        }
    }

    @Test func theServerKeepsTheConnectionWhenNotDraining() async throws {
        try await withLiveServer { port in
            let exchange = try await RawHTTP.exchange(port: port, request: "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n", linger: 0.5)
            #expect(exchange.text.hasPrefix("HTTP/1.1 200"), "\(exchange.text)")
            #expect(RawHTTP.isComplete(Array(exchange.text.utf8)), "\(exchange.text)")
            #expect(!exchange.closedByServer)
        }
    }

    @Test func connectionOptionListsAreRead() {
        #expect(CloseAfterResponseHandler.saysClose([.connection: "close"]))
        #expect(CloseAfterResponseHandler.saysClose([.connection: "Keep-Alive, Close"]))
        #expect(!CloseAfterResponseHandler.saysClose([.connection: "keep-alive"]))
        #expect(!CloseAfterResponseHandler.saysClose([:]))
    }
}

/// One HTTP/1.1 exchange over a plain socket: the answer (read until its `Content-Length` is
/// complete, at most 10 s), and whether the server then closed the connection within `linger` seconds.
enum RawHTTP {
    struct Failure: Error { let step: String }

    /// Runs on a thread of its own: blocking in `poll` on the cooperative pool (2 threads on a
    /// 2-core machine) could starve the server under test, whose handlers run there too.
    static func exchange(port: Int, request: String, linger: Double) async throws -> (text: String, closedByServer: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try blockingExchange(port: port, request: request, linger: linger) })
            }
        }
    }

    static func blockingExchange(port: Int, request: String, linger: Double) throws -> (text: String, closedByServer: Bool) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(step: "socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(step: "connect") }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw Failure(step: "send") }
        var received: [UInt8] = []
        var deadline = Date().addingTimeInterval(10)
        var complete = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if !complete, isComplete(received) {
                complete = true
                deadline = Date().addingTimeInterval(linger)
            }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return (String(decoding: received, as: UTF8.self), false) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, Int32(left * 1000) + 1) <= 0 { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[0..<count]
            } else {
                // 0: orderly close; <0: reset; either way the server ended the connection.
                return (String(decoding: received, as: UTF8.self), true)
            }
        }
    }

    /// Whether `bytes` hold a whole answer: the head and `Content-Length` bytes of body.
    static func isComplete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        guard let field = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(field.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
        else { return false }
        return text.utf8.count - text[..<end.upperBound].utf8.count >= length
    }
}
