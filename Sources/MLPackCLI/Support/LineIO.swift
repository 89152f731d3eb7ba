import Foundation

/// Reads a file (or stdin) line by line in constant memory; lines are capped in length.
final class LineReader {
    static let maxLineBytes = 16 << 20
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false

    init(path: String) throws {
        handle = path == "-" ? FileHandle.standardInput : try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    }

    /// The next line without its `\n`, or nil at the end.
    func next() throws -> [UInt8]? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<nl])
                start = nl + 1
                return line
            }
            if buffer.count - start > Self.maxLineBytes {
                throw CocoaError(.fileReadTooLarge, userInfo: [NSLocalizedDescriptionKey: "a line is longer than \(Self.maxLineBytes) bytes"])
            }
            if eof {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            buffer.removeSubrange(0..<start)
            start = 0
            let chunk = handle.readData(ofLength: 1 << 16)
            if chunk.isEmpty { eof = true } else { buffer.append(contentsOf: chunk) }
        }
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

    func write(_ line: String) throws {
        if let handle { try handle.write(contentsOf: Data((line + "\n").utf8)) } else { Terminal.writeOutput(line) }
    }

    /// Moves the finished file into place.
    func close() throws {
        guard let handle, let temp, let destination else { return }
        try handle.close()
        if FileManager.default.fileExists(atPath: destination.path) { try FileManager.default.removeItem(at: destination) }
        try FileManager.default.moveItem(at: temp, to: destination)
    }
}
