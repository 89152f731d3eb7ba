#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MLPackTestSupport

/// A real `mlpack serve` (the built binary) on a free loopback port, for the tests that need the
/// whole process: signals, exit codes, what it writes to stderr.
///
/// Starts the server with `--port 0` and reads its stderr until the "serving … on
/// http://127.0.0.1:PORT" line; after that nobody reads stderr unless ``readStderrToEnd()`` is
/// called (the pipe stays open: a server that blocked on a full stderr would show it). Killed when
/// the value goes away.
final class ServeProcess {
    struct StartFailure: Error, CustomStringConvertible {
        let log: String
        var description: String { "mlpack serve did not report its port; stderr:\n\(log)" }
    }

    let process = Process()
    let stderr = Pipe()
    let port: Int
    /// What stderr said up to the port line.
    let startupLog: String

    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts `mlpack serve -m MODEL --port 0 ARGUMENTS…`.
    init(model: String, arguments: [String] = []) throws {
        process.executableURL = CLIRunner.executable
        process.arguments = ["serve", "-m", model, "--port", "0"] + arguments
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var log = ""
        var found: Int?
        // At most 60 s (the line is a notice: a --log-level above notice never prints it).
        let deadline = ContinuousClock.now + .seconds(60)
        let fd = stderr.fileHandleForReading.fileDescriptor
        while found == nil, ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            log += String(decoding: buffer[..<count], as: UTF8.self)
            if let range = log.range(of: "http://127.0.0.1:") {
                found = Int(log[range.upperBound...].prefix { $0.isNumber })
            }
        }
        startupLog = log
        guard let found else {
            if process.isRunning { process.terminate() }
            throw StartFailure(log: log)
        }
        port = found
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit; the exit status.
    func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Everything stderr says from now until the process closes it (call after a signal).
    func readStderrToEnd() -> String {
        String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// The `mlpack save` of the tiny BERT fixture as `flavor` under `directory`.
    static func saveTinyBERT(flavor: String = "sentence_transformers", in directory: URL) throws -> URL {
        let model = directory.appendingPathComponent(flavor)
        let saved = try CLIRunner.run(["save", "--flavor", flavor, "--source", TestFixtures.tinyBERT.path, "-o", model.path])
        guard saved.status == 0 else { throw StartFailure(log: "mlpack save failed: \(saved.stderr)") }
        return model
    }
}
