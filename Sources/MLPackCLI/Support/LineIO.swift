#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MLPackCore

/// Reads a file (or stdin) as a stream of lines with `read(2)` semantics: whatever bytes are there,
/// never waiting for a full buffer, so a co-process that writes one line and waits for its answer
/// gets it at once. Memory stays bounded by the longest line and one batch.
final class LineReader {
    static let chunkBytes = 1 << 16
    /// Longest line accepted.
    let maxLineBytes: Int
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var eof = false

    init(path: String, maxLineBytes: Int = 16 << 20) throws {
        self.maxLineBytes = maxLineBytes
        if path == "-" {
            fd = STDIN_FILENO
            ownsDescriptor = false
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
            ownsDescriptor = true
        }
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// The next lines (without their `\n`), at most `limit`: waits until at least one complete
    /// line (or the end) is there, then adds only the lines already waiting, without waiting
    /// again. `nil` at the end. A last line without `\n` counts as a line. The batch also ends
    /// once its lines hold `maxBytes` bytes (it always has at least one line).
    func nextBatch(limit: Int, maxBytes: Int = .max) throws -> [[UInt8]]? {
        var lines: [[UInt8]] = []
        var bytes = 0
        while true {
            while lines.count < limit, bytes < maxBytes, let newline = nextNewline() {
                if newline - start > maxLineBytes { throw Self.tooLong(maxLineBytes) }
                lines.append(Array(buffer[start..<newline]))
                bytes += newline - start
                start = newline + 1
            }
            if lines.count >= limit || bytes >= maxBytes { return released(lines) }
            if eof {
                if start < buffer.count {
                    lines.append(Array(buffer[start...]))
                    start = buffer.count
                }
                return lines.isEmpty ? nil : lines
            }
            // A started batch is not held open for a line that would take it past `maxBytes`.
            if !lines.isEmpty && (buffer.count - start + bytes >= maxBytes || !moreIsWaiting()) { return released(lines) }
            try fill()
        }
    }

    /// Returns `lines` after letting go of the buffer's memory when it held long lines (they are
    /// copied out): a batch is then held once, not twice.
    private func released(_ lines: [[UInt8]]) -> [[UInt8]] {
        if buffer.capacity > 4 * Self.chunkBytes {
            buffer = Array(buffer[start...])
            scanned = max(0, scanned - start)
            start = 0
        }
        return lines
    }

    /// The index of the next `\n` at or after `start`, searching each byte once however many reads a
    /// long line takes (`scanned`: where the last search stopped).
    private func nextNewline() -> Int? {
        let from = max(start, scanned)
        guard from < buffer.count else { return nil }
        let found: Int? = buffer.withUnsafeBytes { raw in
            guard let hit = memchr(raw.baseAddress! + from, 0x0A, raw.count - from) else { return nil }
            return raw.baseAddress!.distance(to: UnsafeRawPointer(hit))
        }
        scanned = found.map { $0 + 1 } ?? buffer.count
        return found
    }

    static func tooLong(_ limit: Int) -> CocoaError {
        CocoaError(.fileReadTooLarge, userInfo: [NSLocalizedDescriptionKey: "a line is longer than \(limit) bytes (--max-body-bytes)"])
    }

    /// Whether a read would return at once (data or end of file).
    private func moreIsWaiting() -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    /// One `read(2)`: whatever is there, blocking only while nothing is.
    private func fill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            scanned = max(0, scanned - start)
            start = 0
        }
        if buffer.count > maxLineBytes { throw Self.tooLong(maxLineBytes) }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.chunkBytes))
        var n: Int
        repeat {
            n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, Self.chunkBytes) }
        } while n < 0 && errno == EINTR
        guard n >= 0 else {
            let reason = String(cString: strerror(errno))
            buffer.removeSubrange(old...)
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: reason])
        }
        buffer.removeSubrange((old + n)...)
        if n == 0 { eof = true }
    }
}

/// Writes lines to stdout or a file, flushing each so a downstream pipe sees them at once. A file
/// is written as a locked temporary next to it (``TemporaryItem``) renamed over it at ``close()``:
/// until then the destination keeps its old contents, whatever happens to the process.
final class LineSink {
    private let handle: FileHandle?
    private let temp: TemporaryItem?
    private let destination: URL?

    init(path: String?) throws {
        if let path {
            let url = URL(fileURLWithPath: path)
            let temp = try TemporaryItem.file(for: url)
            handle = FileHandle(fileDescriptor: temp.descriptor, closeOnDealloc: false)
            self.temp = temp
            destination = url
        } else {
            handle = nil
            temp = nil
            destination = nil
        }
    }

    /// Writes complete lines (`text` ends with `\n`) with one write, unbuffered.
    func write(lines text: String) throws {
        if let handle { try handle.write(contentsOf: Data(text.utf8)) } else { Terminal.writeOutput(text) }
    }

    /// Moves the finished file into place (one rename over the old file).
    func close() throws {
        guard let handle, let temp, let destination else { return }
        try handle.synchronize()
        try temp.commit(to: destination)
    }
}
