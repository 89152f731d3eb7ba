#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Receives progress of long archive operations (hashing, compressing, extracting).
public protocol ArchiveProgress: Sendable {
    /// `completed` of `total` bytes of the phase named `phase` ("hashing", "writing", "extracting") are done.
    func update(phase: String, completed: UInt64, total: UInt64)
    /// The operation ended (successfully or not).
    func finish()
}

/// A one-line progress bar, by default on stderr, shown only when that is a terminal and the work is
/// large (at least `threshold` bytes); otherwise silent. Redrawn only when the percentage changes;
/// ``finish()`` clears the line.
public final class TerminalProgressBar: ArchiveProgress, @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let threshold: UInt64
    private let fileDescriptor: Int32
    private var lastShown: (phase: String, percent: Int)?
    private var drawn = false

    /// A bar drawn on `fileDescriptor` if it is a terminal (or if `forceEnabled` says so); work under
    /// `threshold` bytes is never shown.
    public init(threshold: UInt64 = 16 << 20, fileDescriptor: Int32 = STDERR_FILENO, forceEnabled: Bool? = nil) {
        self.threshold = threshold
        self.fileDescriptor = fileDescriptor
        enabled = forceEnabled ?? (isatty(fileDescriptor) == 1)
    }

    public func update(phase: String, completed: UInt64, total: UInt64) {
        guard enabled, total >= threshold else { return }
        let percent = Int(min(100, completed * 100 / max(total, 1)))
        lock.lock()
        defer { lock.unlock() }
        if let last = lastShown, last.phase == phase, last.percent == percent { return }
        lastShown = (phase, percent)
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let mb = { (bytes: UInt64) in String(format: "%.1f", Double(bytes) / 1_000_000) }
        let phaseLabel = phase.padding(toLength: 10, withPad: " ", startingAt: 0)
        emit("\r\(phaseLabel) [\(bar)] \(String(format: "%3d", percent))%  \(mb(completed))/\(mb(total)) MB")
        drawn = true
    }

    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { emit("\r\u{1B}[K") }
        drawn = false
        lastShown = nil
    }

    private func emit(_ text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { if n < 0 && errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }
}
