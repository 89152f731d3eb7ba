#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reads a file (or stdin) as a stream of lines with `read(2)` semantics: whatever bytes are there,
/// never waiting for a full buffer, so a co-process that writes one line and waits for its answer
/// gets it at once. Memory stays bounded by the longest line and one batch.
final class LineReader {
    static let maxLineBytes = 16 << 20
    static let chunkBytes = 1 << 16
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false

    init(path: String) throws {
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
    /// again. `nil` at the end. A last line without `\n` counts as a line.
    func nextBatch(limit: Int) throws -> [[UInt8]]? {
        var lines: [[UInt8]] = []
        while true {
            while lines.count < limit, let newline = buffer[start...].firstIndex(of: 0x0A) {
                lines.append(Array(buffer[start..<newline]))
                start = newline + 1
            }
            if lines.count >= limit { return lines }
            if eof {
                if start < buffer.count {
                    lines.append(Array(buffer[start...]))
                    start = buffer.count
                }
                return lines.isEmpty ? nil : lines
            }
            if !lines.isEmpty && !moreIsWaiting() { return lines }
            try fill()
        }
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
            start = 0
        }
        if buffer.count > Self.maxLineBytes {
            throw CocoaError(.fileReadTooLarge, userInfo: [NSLocalizedDescriptionKey: "a line is longer than \(Self.maxLineBytes) bytes"])
        }
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

/// Writes lines to stdout or a file, flushing each so a downstream pipe sees them at once.
final class LineSink {
    private let handle: FileHandle?
    private let temp: URL?
    private let destination: URL?

    init(path: String?) throws {
        if let path {
            let url = URL(fileURLWithPath: path)
            let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
            guard FileManager.default.createFile(atPath: temp.path, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSLocalizedDescriptionKey: "cannot create \(temp.path)"])
            }
            handle = try FileHandle(forWritingTo: temp)
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

    /// Moves the finished file into place.
    func close() throws {
        guard let handle, let temp, let destination else { return }
        try handle.close()
        if FileManager.default.fileExists(atPath: destination.path) { try FileManager.default.removeItem(at: destination) }
        try FileManager.default.moveItem(at: temp, to: destination)
    }
}
