#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging

/// Writes log lines to a file descriptor (stderr) from a dedicated thread, so logging never waits
/// for whoever reads them.
///
/// `write(_:)` appends the line to a bounded in-memory queue and returns at once; the writer's own
/// thread empties the queue with blocking `write(2)` calls. When the reader stalls (an unread
/// pipe, a stuck log shipper) the queue fills, and further lines are dropped and counted
/// (``droppedLines``, exported by the server as `mlpack_log_lines_dropped_total`) instead of
/// blocking the caller: a request handler on the cooperative pool or an event loop never waits
/// for a pipe. Lines are never split: a line either goes out whole or is dropped whole.
///
/// ```swift
/// let writer = BoundedLogWriter(fileDescriptor: STDERR_FILENO)
/// let logger = Logger(label: "mlpack.serve") { writer.logHandler(label: $0) }
/// …
/// writer.finish(waitingAtMost: .seconds(1))   // at exit: what the reader takes in time
/// ```
public final class BoundedLogWriter: @unchecked Sendable {
    /// Default bound of the queue: 256 KiB of lines waiting for the reader (about 1,500 access
    /// log lines) on top of the pipe's own buffer. The batch the thread is writing has left the
    /// queue, so the writer holds at most twice this.
    public static let defaultCapacityBytes = 256 * 1024

    public let capacityBytes: Int
    private let fileDescriptor: Int32
    // Guards every field below; the writer thread waits on it for lines.
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var queuedBytes = 0
    private var dropped = 0
    private var written = 0
    private var writing = false
    private var finishing = false

    /// A writer to `fileDescriptor` (not closed by the writer) holding at most `capacityBytes` of
    /// unwritten lines; starts its thread.
    public init(fileDescriptor: Int32, capacityBytes: Int = BoundedLogWriter.defaultCapacityBytes) {
        self.fileDescriptor = fileDescriptor
        self.capacityBytes = max(1, capacityBytes)
        let thread = Thread { [self] in drainLoop() }
        thread.name = "mlpack-log-writer"
        thread.start()
    }

    /// Lines dropped because the queue was full (or the writer finished).
    public var droppedLines: Int {
        condition.lock()
        defer { condition.unlock() }
        return dropped
    }

    /// Lines handed to `write(2)` in full.
    public var writtenLines: Int {
        condition.lock()
        defer { condition.unlock() }
        return written
    }

    /// Queues `line` (bytes as given; include the newline) or, when the queue cannot hold it,
    /// drops and counts it. Never blocks on I/O.
    public func write(_ line: [UInt8]) {
        condition.lock()
        defer { condition.unlock() }
        guard !finishing, queuedBytes + line.count <= capacityBytes else {
            dropped += 1
            return
        }
        queue.append(line)
        queuedBytes += line.count
        condition.signal()
    }

    /// Stops taking lines and waits at most `limit` for the queued ones to be written (a reader
    /// that never reads must not keep the process from exiting); what is left is dropped.
    public func finish(waitingAtMost limit: Duration) {
        let deadline = Date().addingTimeInterval(Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        finishing = true
        condition.broadcast()
        while !queue.isEmpty || writing {
            if !condition.wait(until: deadline) { break }
        }
    }

    /// A swift-log handler (swift-log's standard line format) that writes through this writer.
    public func logHandler(label: String) -> StreamLogHandler {
        StreamLogHandler(label: label, stream: Stream(writer: self), metadataProvider: nil)
    }

    /// The text stream `StreamLogHandler` writes each whole line to.
    struct Stream: TextOutputStream, Sendable {
        let writer: BoundedLogWriter

        mutating func write(_ string: String) {
            writer.write(Array(string.utf8))
        }
    }

    private func drainLoop() {
        while true {
            condition.lock()
            while queue.isEmpty && !finishing { condition.wait() }
            if queue.isEmpty {
                // Finishing, and nothing left: the thread ends.
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            queuedBytes = 0
            writing = true
            condition.unlock()

            var complete = 0
            for line in batch where writeAll(line) { complete += 1 }

            condition.lock()
            writing = false
            written += complete
            dropped += batch.count - complete
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Writes all of `bytes`, retrying short writes and EINTR; false on any other error (a closed
    /// reader: the line is counted as dropped).
    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let result = Glibc.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if result > 0 {
                    offset += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
