import Foundation
import MLPackArchive
import Testing

@Suite struct ProgressBarTests {
    /// Runs `body` with a bar writing into a pipe and returns what it wrote.
    func output(enabled: Bool?, threshold: UInt64 = 1000, _ body: (TerminalProgressBar) -> Void) -> String {
        let pipe = Pipe()
        let bar = TerminalProgressBar(threshold: threshold, fileDescriptor: pipe.fileHandleForWriting.fileDescriptor, forceEnabled: enabled)
        body(bar)
        try? pipe.fileHandleForWriting.close()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    @Test func drawsLargeWorkOncePerPercentAndClearsAtTheEnd() {
        let text = output(enabled: true) { bar in
            for done in stride(from: UInt64(0), through: 100_000, by: 100) {
                bar.update(phase: "hashing", completed: done, total: 100_000)
            }
            bar.finish()
        }
        let frames = text.split(separator: "\r")
        #expect(frames.count == 102)  // 0% ... 100%, then the clearing frame
        #expect(frames.first?.hasPrefix("hashing    [..............................]   0%") == true)
        #expect(frames.dropLast().last?.contains("[##############################] 100%  0.1/0.1 MB") == true)
        #expect(frames.last == "\u{1B}[K")
    }

    @Test func silentForSmallWorkAndWhenNotATerminal() {
        #expect(output(enabled: true, threshold: 1_000_000) { bar in
            bar.update(phase: "hashing", completed: 10, total: 999_999)
            bar.finish()
        }.isEmpty)
        // A pipe is not a terminal: the default is silent.
        #expect(output(enabled: nil) { bar in
            bar.update(phase: "hashing", completed: 10, total: 1 << 40)
            bar.finish()
        }.isEmpty)
    }
}
