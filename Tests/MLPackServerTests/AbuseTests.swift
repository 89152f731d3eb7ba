#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MLPackTestSupport
import Testing

@testable import MLPackServer

/// The server under clients that misbehave, over real loopback sockets: half-sent heads, garbage,
/// answers nobody reads, more idle connections than the cap. Every wait is bounded and polls.
@Suite(.serialized) struct AbuseTests {
    /// `/metrics` of the server on `port`, from a fresh connection.
    static func metrics(_ port: Int) throws -> String {
        let connection = try LoopbackConnection(port: port)
        defer { connection.close() }
        return try connection.request("GET", "/metrics").text
    }

    static func closed(_ reason: String, _ port: Int) throws -> Double {
        prometheusValue(try metrics(port), "mlpack_http_connections_closed_total{reason=\"\(reason)\"}") ?? -1
    }

    @Test(.timeLimit(.minutes(2))) func aHalfSentHeadIsAnswered408AndClosedAfterTheHeaderTimeout() async throws {
        try await withLiveServer(configure: { $0.headerTimeout = .seconds(1); $0.idleTimeout = .seconds(120) }) { port in
            try await onOwnThread {
                let started = ContinuousClock.now
                let half = try LoopbackConnection(port: port)
                try half.send("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
                let silent = try LoopbackConnection(port: port)
                let answer = String(decoding: try half.waitForClose(timeout: .seconds(30)), as: UTF8.self)
                let elapsed = ContinuousClock.now - started
                #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
                #expect(elapsed >= .milliseconds(900), "closed after \(elapsed), before the 1 s header timeout")
                // A connection that sends nothing at all is closed the same way.
                #expect(String(decoding: try silent.waitForClose(timeout: .seconds(30)), as: UTF8.self).hasPrefix("HTTP/1.1 408"))
                #expect(try Self.closed("header_timeout", port) == 2)
            }
        }
    }

    /// The header timeout runs from a request's first byte, not from the previous answer: a
    /// keep-alive connection idle for longer than it (but less than the idle timeout) still works.
    @Test(.timeLimit(.minutes(2))) func anIdleKeepAliveConnectionIsNotCutByTheHeaderTimeout() async throws {
        try await withLiveServer(configure: { $0.headerTimeout = .seconds(1); $0.idleTimeout = .seconds(120) }) { port in
            try await onOwnThread {
                let connection = try LoopbackConnection(port: port)
                #expect(try connection.request("GET", "/ping").status == 200)
                // Idle 2.5 header timeouts (an idle period, not a measured bound: the idle timeout is 120 s).
                Thread.sleep(forTimeInterval: 2.5)
                #expect(try connection.request("GET", "/health").status == 200)
                #expect(try Self.closed("header_timeout", port) == 0)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func malformedRequestsGet400AndAreClosedWhileTheServerServesOn() async throws {
        let malformed = [
            "NOT HTTP AT ALL\r\n\r\n",
            "GET /ping HTTP/9.9\r\nHost: a\r\n\r\n",
            "GET /ping HTTP/1.1\r\nHost a\r\n\r\n",
            "POST /invocations HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
            "POST /invocations HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /ping HTTP/1.1\r\nHost: a\r\nX-Huge: " + String(repeating: "x", count: 100_000) + "\r\n\r\n",
            "GET /\u{1}ping HTTP/1.1\r\nHost: a\r\n\r\n",
            "\u{0}\u{1}\u{2}\u{3}\r\n\r\n",
        ]
        try await withLiveServer { port in
            try await onOwnThread {
                for request in malformed {
                    let connection = try LoopbackConnection(port: port)
                    try? connection.send(request)
                    let answer = try connection.readAnswer()
                    #expect(answer.status == 400, "\(request.prefix(60)): \(answer.status)")
                    #expect(answer.headers["connection"] == "close")
                    try connection.waitForClose(timeout: .seconds(30))
                    #expect(try LoopbackConnection(port: port).request("GET", "/ping").status == 200)
                }
            }
        }
    }

    /// A client that sends requests and never reads the answers: once its answers stop draining
    /// for the write timeout the connection is closed (freeing the task blocked writing to it).
    @Test(.timeLimit(.minutes(3))) func aClientThatNeverReadsIsClosedAfterTheWriteTimeout() async throws {
        try await withLiveServer(configure: { $0.writeTimeout = .seconds(1); $0.idleTimeout = .seconds(300) }) { port in
            try await onOwnThread {
                let stuck = try LoopbackConnection(port: port, receiveBufferBytes: 4096)
                let batch = Array(String(repeating: "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", count: 200).utf8)
                let observer = try LoopbackConnection(port: port)
                let deadline = ContinuousClock.now + .seconds(90)
                var closedCount = 0.0
                var sent = 0
                var resetByServer = false
                while ContinuousClock.now < deadline {
                    if !resetByServer {
                        do { sent += try stuck.sendWithoutBlocking(batch) } catch { resetByServer = true }
                    }
                    let text = try observer.request("GET", "/metrics").text
                    closedCount = prometheusValue(text, "mlpack_http_connections_closed_total{reason=\"write_timeout\"}") ?? 0
                    if closedCount >= 1 { break }
                    Thread.sleep(forTimeInterval: 0.05)  // polling interval
                }
                #expect(closedCount == 1, "sent \(sent) bytes of requests; the unread connection is still open")
                // Reading now finds the end of the stream (the server closed it); were it still
                // open, reading would let the server answer on and keep it open for the 300 s idle timeout.
                try stuck.waitForClose(timeout: .seconds(30))
                #expect(try LoopbackConnection(port: port).request("GET", "/ping").status == 200)
            }
        }
    }

    /// At the connection cap, connections that never finish a head do not make new clients wait:
    /// the oldest one waiting for a head is closed for each new connection.
    @Test(.timeLimit(.minutes(2))) func slowConnectionsAtTheCapAreEvictedForNewClients() async throws {
        try await withLiveServer(configure: {
            $0.maxConnections = 20
            $0.headerTimeout = .seconds(120)
            $0.idleTimeout = .seconds(120)
        }) { port in
            try await onOwnThread {
                var slow: [LoopbackConnection] = []
                for _ in 0..<20 {
                    let connection = try LoopbackConnection(port: port)
                    try connection.send("G")
                    slow.append(connection)
                }
                // 15 new clients, each kept connected: the cap (20, give or take the few
                // connections NIO accepts in one read) leaves room for them only by eviction.
                var clients: [LoopbackConnection] = []
                for round in 0..<15 {
                    // Answered long before the 120 s header timeout would free a slot.
                    let client = try LoopbackConnection(port: port)
                    let answer = try client.request("GET", "/ping", timeout: .seconds(30))
                    #expect(answer.status == 200, "round \(round)")
                    clients.append(client)
                }
                let evicted = try Self.closed("evicted", port)
                #expect(evicted >= 8, "\(evicted) evicted")
                #expect(try Self.closed("header_timeout", port) == 0)
                // The evicted ones are the slow ones: at least 10 of them see the end of their stream.
                var ended = 0
                for connection in slow {
                    var descriptor = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
                    if poll(&descriptor, 1, 0) == 1 { ended += 1 }
                }
                #expect(ended >= 8, "\(ended) slow connections closed")
                #expect(clients.allSatisfy { (try? $0.request("GET", "/health").status) == 200 }, "the clients are still connected")
            }
        }
    }
}

/// The bounded log writer: never blocks its caller, drops and counts when its reader stalls,
/// writes whole lines.
struct BoundedLogWriterTests {
    @Test(.timeLimit(.minutes(1))) func anUnreadPipeCostsDroppedLinesNotABlockedCaller() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        defer { close(readEnd); close(writeEnd) }
        let writer = BoundedLogWriter(fileDescriptor: writeEnd, capacityBytes: 16 * 1024)
        let line = Array((String(repeating: "x", count: 99) + "\n").utf8)
        // 10,000 lines (1 MB) into a 64 KiB pipe nobody reads and a 16 KiB queue: returns at once.
        try await onOwnThread { for _ in 0..<10_000 { writer.write(line) } }
        #expect(writer.droppedLines > 0)
        // The reader catches up: what was written is whole lines, and nothing is lost after.
        let flags = fcntl(readEnd, F_GETFL)
        _ = fcntl(readEnd, F_SETFL, flags | O_NONBLOCK)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let count = read(readEnd, &buffer, buffer.count)
            if count > 0 { received += buffer[..<count] }
            if writer.writtenLines + writer.droppedLines == 10_000 && count <= 0 { break }
            if count <= 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(writer.writtenLines + writer.droppedLines == 10_000)
        #expect(received.count == writer.writtenLines * line.count)
        #expect(received.split(separator: UInt8(ascii: "\n")).allSatisfy { $0.count == 99 })
        writer.write(line)
        writer.finish(waitingAtMost: .seconds(10))
        var tail = [UInt8](repeating: 0, count: 1024)
        #expect(read(readEnd, &tail, tail.count) == line.count)
    }
}
