import Foundation
import Testing

@testable import MLPackServer

/// `Deadline.run` on its event-loop timer. (That a finished call leaves nothing behind until its
/// deadline is checked by bench/soak.sh's RSS: a cancelled `Task.sleep` kept ~1 KB of tasks and
/// dispatch timer per call alive for the whole request timeout.)
struct DeadlineTests {
    @Test(.timeLimit(.minutes(1))) func aResultBeforeTheDeadlineIsReturned() async throws {
        let value = try await Deadline.run(until: .now + .seconds(600)) { () async throws -> Int in 42 }
        #expect(value == 42)
    }

    @Test(.timeLimit(.minutes(1))) func anOperationPastItsDeadlineIsExpired() async throws {
        await #expect(throws: Deadline.Expired.self) {
            try await Deadline.run(until: .now + .milliseconds(50)) { () async throws -> Int in
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
    }
}
