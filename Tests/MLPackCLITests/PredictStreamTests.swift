import Foundation
import MLPackCore
import MLPackTestSupport
import Synchronization
import Testing

/// `mlpack predict --content-type jsonl` as a long-lived co-process: one line in, one line out at
/// once (no waiting for a full buffer or for stdin to close), and bounded memory for any line count.
@Suite struct PredictStreamTests {
    /// The real binary with pipes on stdin and stdout; stdout is collected line by line.
    final class CoProcess: Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        private let received = Mutex<(lines: [String], partial: [UInt8], closed: Bool)>(([], [], false))
        private let arrived = DispatchSemaphore(value: 0)

        init(_ arguments: [String]) throws {
            process.executableURL = CLIRunner.executable
            process.arguments = arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            let handle = output.fileHandleForReading
            try process.run()
            Thread.detachNewThread { [self] in
                while true {
                    let data = handle.availableData
                    received.withLock { state in
                        if data.isEmpty { state.closed = true; return }
                        for byte in data {
                            if byte == 0x0A {
                                state.lines.append(String(decoding: state.partial, as: UTF8.self))
                                state.partial.removeAll()
                            } else {
                                state.partial.append(byte)
                            }
                        }
                    }
                    arrived.signal()
                    if data.isEmpty { return }
                }
            }
        }

        func write(_ text: String) {
            input.fileHandleForWriting.write(Data(text.utf8))
        }

        /// Waits until `count` lines arrived (or the timeout); returns the lines so far.
        func waitForLines(_ count: Int, timeout: Double) -> [String] {
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                let (lines, closed) = received.withLock { ($0.lines, $0.closed) }
                if lines.count >= count || closed || Date() > deadline { return lines }
                _ = arrived.wait(timeout: .now() + .milliseconds(50))
            }
        }

        /// The child's peak resident memory so far (`VmHWM` in /proc), in KiB.
        var peakRSSKiB: Int? {
            guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
            else { return nil }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        }

        func finish() -> Int32 {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    static func model(in temp: URL) throws -> String {
        let directory = temp.appendingPathComponent("st").path
        let save = try CLIRunner.run(["save", "--flavor", "sentence_transformers", "--source", TestFixtures.tinyBERT.path, "-o", directory])
        try #require(save.status == 0, "\(save.stderr)")
        return directory
    }

    @Test(.timeLimit(.minutes(2))) func eachLineIsAnsweredBeforeTheNextIsWritten() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let child = try CoProcess(["predict", "-m", try Self.model(in: temp), "--content-type", "jsonl"])
        let records = [#"{"text": "I like apples"}"#, #"{"text": 5}"#, "", #"{"text": "héllo"}"#]
        for (i, record) in records.enumerated() {
            child.write(record + "\n")
            // stdin stays open: the answer must come without more input.
            let lines = child.waitForLines(i + 1, timeout: 30)
            try #require(lines.count == i + 1, "no answer to line \(i + 1) while stdin is open")
        }
        let lines = child.waitForLines(records.count, timeout: 1)
        #expect(child.finish() == 1, "two of the lines are errors")
        #expect(try JSONParser.parse(lines[0]).arrayValue?.count ?? 0 > 0)
        #expect(try JSONParser.parse(lines[1])["line"] == 2)
        #expect(try JSONParser.parse(lines[2])["message"]?.stringValue == "Invalid JSON Lines input: line 3 is empty")
        #expect(try JSONParser.parse(lines[3]).arrayValue?.count ?? 0 > 0)
    }

    /// A fast producer: full batches, one answer per line in order, and the same peak memory for
    /// 1,000 and 10,000 lines (read from /proc while the child is still running).
    @Test(.timeLimit(.minutes(5))) func aFastProducerStreamsInBoundedMemory() throws {
        let temp = try TestFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: temp) }
        let model = try Self.model(in: temp)
        var peaks: [Int: Int] = [:]
        for count in [1_000, 10_000] {
            let child = try CoProcess(["predict", "-m", model, "--content-type", "jsonl", "--batch-size", "32"])
            let text = (0..<count).map { #"{"text": "sentence number \#($0)"}"# }.joined(separator: "\n") + "\n"
            let written = DispatchGroup()
            written.enter()
            Thread.detachNewThread {
                child.write(text)
                written.leave()
            }
            let lines = child.waitForLines(count, timeout: 240)
            #expect(lines.count == count, "\(count) lines in, \(lines.count) out")
            peaks[count] = child.peakRSSKiB
            written.wait()
            #expect(child.finish() == 0)
            // In order: the first and last answers equal single-line runs of the same records (within
            // float32 summation order: a batch packs its companions' tokens together).
            for n in [0, count - 1] where n < lines.count {
                let single = try CLIRunner.run(
                    ["predict", "-m", model, "--content-type", "jsonl"], stdin: #"{"text": "sentence number \#(n)"}"# + "\n")
                let a = try #require(try JSONParser.parse(single.stdout.trimmingCharacters(in: .newlines)).arrayValue)
                let b = try #require(try JSONParser.parse(lines[n]).arrayValue)
                #expect(a.count == b.count)
                let delta = zip(a, b).map { abs(($0.numberValue ?? .nan) - ($1.numberValue ?? .nan)) }.max() ?? .nan
                #expect(delta < 1e-5, "line \(n + 1): max |Δ| \(delta)")
            }
        }
        let small = try #require(peaks[1_000]), large = try #require(peaks[10_000])
        print("predict --content-type jsonl peak RSS: 1,000 lines \(small) KiB, 10,000 lines \(large) KiB")
        #expect(large < small + 16 * 1024, "peak RSS grows with the line count: \(small) KiB → \(large) KiB")
    }
}
