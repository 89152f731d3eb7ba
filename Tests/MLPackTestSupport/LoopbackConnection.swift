#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One raw TCP connection to a server on 127.0.0.1, for tests that must send what an HTTP client
/// library would not (half a request head, garbage, requests nobody reads the answers of).
/// Reads wait with `poll(2)` up to a stated limit, never with a fixed sleep.
public final class LoopbackConnection {
    public enum Failure: Error, CustomStringConvertible {
        case socket(operation: String, errno: Int32)
        case timedOut(after: Duration, waitingFor: String)
        case closedBeforeAnswer(received: Int)
        case malformedAnswer(String)

        public var description: String {
            switch self {
            case .socket(let operation, let code): "\(operation) failed: \(String(cString: strerror(code)))"
            case .timedOut(let after, let what): "no \(what) within \(after)"
            case .closedBeforeAnswer(let received): "the server closed the connection after \(received) bytes of an answer"
            case .malformedAnswer(let text): "not an HTTP answer: \(text)"
            }
        }
    }

    /// One HTTP/1.1 answer.
    public struct Answer {
        public var status: Int
        /// Header names lowercased.
        public var headers: [String: String]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public let fd: Int32
    private var buffered: [UInt8] = []
    private var closed = false

    /// Connects to 127.0.0.1:`port`; `receiveBufferBytes` shrinks the socket's receive buffer
    /// first (a client that reads slowly fills up sooner).
    public init(port: Int, receiveBufferBytes: Int32? = nil) throws(Failure) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .socket(operation: "socket", errno: errno) }
        if var size = receiveBufferBytes {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw .socket(operation: "connect", errno: code)
        }
        self.fd = fd
    }

    deinit { close() }

    /// Closes the socket; `reset` sends RST (SO_LINGER 0) instead of FIN, so no TIME_WAIT remains.
    public func close(reset: Bool = false) {
        guard !closed else { return }
        closed = true
        if reset {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        Glibc.close(fd)
    }

    /// Sends all of `bytes` (blocking).
    public func send(_ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw .socket(operation: "send", errno: errno)
            }
            offset += sent
        }
    }

    public func send(_ text: String) throws(Failure) { try send(Array(text.utf8)) }

    /// Sends what the socket takes without blocking; returns the bytes sent (0 when it is full).
    public func sendWithoutBlocking(_ bytes: [UInt8]) throws(Failure) -> Int {
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        if sent < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return 0 }
            throw .socket(operation: "send", errno: errno)
        }
        return sent
    }

    /// The next bytes, waiting at most `timeout`; nil once the server closed the connection (FIN
    /// or RST).
    public func receive(timeout: Duration) throws(Failure) -> [UInt8]? {
        if !buffered.isEmpty {
            defer { buffered = [] }
            return buffered
        }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw .timedOut(after: timeout, waitingFor: "data or close") }
            let milliseconds: Int64 = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1
            let ms = Int32(clamping: milliseconds)
            let ready = poll(&descriptor, 1, ms)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .socket(operation: "poll", errno: errno)
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if count > 0 { return Array(chunk[..<count]) }
            if count == 0 { return nil }
            if errno == EINTR || errno == EAGAIN { continue }
            if errno == ECONNRESET { return nil }
            throw .socket(operation: "recv", errno: errno)
        }
    }

    /// Reads and discards until the server closes the connection; the bytes read, or throws
    /// `timedOut` when it is still open after `timeout`.
    @discardableResult
    public func waitForClose(timeout: Duration) throws(Failure) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        var all: [UInt8] = []
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw .timedOut(after: timeout, waitingFor: "close") }
            do {
                guard let chunk = try receive(timeout: left) else { return all }
                all += chunk
            } catch .timedOut {
                throw .timedOut(after: timeout, waitingFor: "close")
            }
        }
    }

    /// Reads one answer (Content-Length bodies; the server sends no other kind), waiting at most
    /// `timeout` for it.
    public func readAnswer(timeout: Duration = .seconds(30)) throws(Failure) -> Answer {
        let deadline = ContinuousClock.now + timeout
        var data: [UInt8] = []
        func more() throws(Failure) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw .timedOut(after: timeout, waitingFor: "an answer") }
            let chunk: [UInt8]?
            do { chunk = try receive(timeout: left) } catch .timedOut { throw .timedOut(after: timeout, waitingFor: "an answer") }
            guard let chunk else { throw .closedBeforeAnswer(received: data.count) }
            data += chunk
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            try more()
            if data.count >= 4 {
                headEnd = (0...(data.count - 4)).first { data[$0..<$0 + 4].elementsEqual(separator) }
            }
        }
        let head = String(decoding: data[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            throw .malformedAnswer(head)
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformedAnswer(head) }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headEnd! + 4
        while data.count < bodyStart + length { try more() }
        buffered = Array(data[(bodyStart + length)...]) + buffered
        return Answer(status: status, headers: headers, body: Array(data[bodyStart..<(bodyStart + length)]))
    }

    /// Sends one request and reads its answer.
    public func request(
        _ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
        timeout: Duration = .seconds(30)
    ) throws(Failure) -> Answer {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let body { text += "Content-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)" } else { text += "\r\n" }
        try send(text)
        return try readAnswer(timeout: timeout)
    }

    /// The number of file descriptors this process has open (`/proc/self/fd`).
    public static func openFileDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }
}

/// Runs blocking test code (sockets, `poll`, sleeps between polls) on a thread of its own, never on
/// the cooperative pool the server under test also needs.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

/// The value of one Prometheus series (`name` with its labels, as rendered) in a `/metrics` text.
public func prometheusValue(_ text: String, _ series: String) -> Double? {
    text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
}
