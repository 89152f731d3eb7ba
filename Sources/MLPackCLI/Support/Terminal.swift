#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writing to stdout/stderr without Foundation's buffering surprises.
enum Terminal {
    /// Writes `text` and a newline (unless it already ends with one) to stdout.
    static func writeOutput(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n", to: STDOUT_FILENO)
    }

    /// Writes `text` and a newline to stderr.
    static func writeError(_ text: String) {
        write(text.hasSuffix("\n") ? text : text + "\n", to: STDERR_FILENO)
    }

    /// Writes raw bytes to stdout.
    static func writeOutput(bytes: [UInt8]) {
        bytes.withUnsafeBytes { writeAll($0, to: STDOUT_FILENO) }
    }

    /// Whether stdout / stderr is an interactive terminal (progress bars, colours).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    private static func write(_ text: String, to fd: Int32) {
        var copy = text
        copy.withUTF8 { writeAll(UnsafeRawBufferPointer($0), to: fd) }
    }

    private static func writeAll(_ buffer: UnsafeRawBufferPointer, to fd: Int32) {
        guard var base = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let n = Glibc.write(fd, base, remaining)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            remaining -= n
            base += n
        }
    }
}
