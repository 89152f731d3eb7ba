import MLPackCore
import Metrics
import Synchronization
import Testing

@testable import MLPackServer

@Suite struct DynamicBatcherTests {
    /// Records batch sizes; doubles each input.
    /// Holds callers until opened; stays open.
    actor Gate {
        private var isOpen = false
        private var waiters: [CheckedContinuation<Void, Never>] = []

        func wait() async {
            if isOpen { return }
            await withCheckedContinuation { waiters.append($0) }
        }

        func open() {
            isOpen = true
            waiters.forEach { $0.resume() }
            waiters = []
        }
    }

    final class Recorder: Sendable {
        let batches = Mutex<[[Int]]>([])
        let delay: Duration
        let gate: Gate?

        init(delay: Duration = .zero, gate: Gate? = nil) {
            self.delay = delay
            self.gate = gate
        }

        func run(_ inputs: [Int]) async throws -> [Int] {
            batches.withLock { $0.append(inputs) }
            if let gate { await gate.wait() }
            if delay > .zero { try await Task.sleep(for: delay) }
            return inputs.map { $0 * 2 }
        }

        var sizes: [Int] { batches.withLock { $0.map(\.count) } }
    }

    /// Waits (polling, at most `seconds`) until `condition` holds; fails the test when it never does.
    static func eventually(seconds: Double = 120, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !(await condition()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not reached within \(seconds) s")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func concurrentRequestsShareBatchesAndGetTheirOwnRowsBackInOrder() async throws {
        let recorder = Recorder(delay: .milliseconds(20))
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 8, maxDelay: .milliseconds(30), maxQueuedRows: 1000)
        ) { try await recorder.run($0) }
        let results = try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
            for request in 0..<20 {
                group.addTask {
                    let rows = Array((request * 100)..<(request * 100 + 1 + request % 5))
                    return (request, try await batcher.submit(rows))
                }
            }
            var all: [Int: [Int]] = [:]
            for try await (request, output) in group { all[request] = output }
            return all
        }
        for request in 0..<20 {
            let rows = Array((request * 100)..<(request * 100 + 1 + request % 5))
            #expect(results[request] == rows.map { $0 * 2 })
        }
        let sizes = recorder.sizes
        #expect(sizes.allSatisfy { $0 <= 8 })
        let expectedRows: Int = (0..<20).map { 1 + $0 % 5 }.reduce(0, +)
        let totalRows: Int = sizes.reduce(0, +)
        #expect(totalRows == expectedRows)
        #expect(sizes.count < 20, "concurrent requests were batched together: \(sizes)")
    }

    @Test func aRequestLargerThanABatchIsSplitAndReassembled() async throws {
        let recorder = Recorder()
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 4, maxDelay: .zero)
        ) { try await recorder.run($0) }
        let output = try await batcher.submit(Array(0..<10))
        #expect(output == (0..<10).map { $0 * 2 })
        #expect(recorder.sizes == [4, 4, 2])
    }

    @Test func aLoneRequestWaitsAtMostTheDelay() async throws {
        let recorder = Recorder()
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 64, maxDelay: .milliseconds(40))
        ) { try await recorder.run($0) }
        let clock = ContinuousClock()
        let started = clock.now
        let output = try await batcher.submit([1, 2, 3])
        let elapsed = clock.now - started
        #expect(output == [2, 4, 6])
        // It waited for companions (no upper bound: a loaded test machine may delay the wake-up).
        #expect(elapsed >= .milliseconds(35))
        #expect(recorder.sizes == [3])
    }

    @Test func aFullQueueRefusesWithRetryAfter() async throws {
        let recorder = Recorder(delay: .milliseconds(300))
        let batcher = DynamicBatcher<Int, Int>(
            name: "t",
            configuration: .init(maxBatchSize: 2, maxDelay: .zero, maxQueuedRows: 4, retryAfterSeconds: 3)
        ) { try await recorder.run($0) }
        // The first batch (2 rows) runs; 4 more rows fill the queue.
        let running = Task { try await batcher.submit([1, 2]) }
        try await Task.sleep(for: .milliseconds(50))
        let queued = Task { try await batcher.submit([3, 4, 5, 6]) }
        try await Task.sleep(for: .milliseconds(50))
        await #expect(throws: ScoringError.overloaded(retryAfterSeconds: 3)) {
            try await batcher.submit([7])
        }
        #expect(try await running.value == [2, 4])
        #expect(try await queued.value == [6, 8, 10, 12])
        // Once drained, it accepts again.
        #expect(try await batcher.submit([7]) == [14])
    }

    @Test func errorsReachEveryRequestOfTheFailedBatch() async throws {
        struct Boom: Error {}
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 8, maxDelay: .milliseconds(20))
        ) { _ in throw Boom() }
        let first = Task { try await batcher.submit([1]) }
        let second = Task { try await batcher.submit([2]) }
        await #expect(throws: Boom.self) { try await first.value }
        await #expect(throws: Boom.self) { try await second.value }
    }

    @Test func wrongOutputCountsAreReportedNotMisrouted() async throws {
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 8, maxDelay: .zero)
        ) { inputs in Array(inputs.dropLast()) }
        await #expect(throws: DynamicBatcher<Int, Int>.OutputCountMismatch.self) {
            try await batcher.submit([1, 2, 3])
        }
    }

    @Test func cancelledRequestsLeaveTheQueue() async throws {
        // The first call holds until the test opens the gate, so the cancellation lands while the
        // second row waits, however loaded the machine; each step waits for its state.
        let gate = Gate()
        let recorder = Recorder(gate: gate)
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 1, maxDelay: .zero, maxQueuedRows: 10)
        ) { try await recorder.run($0) }
        let running = Task { try await batcher.submit([1]) }
        try await Self.eventually { recorder.sizes == [1] }
        let waiting = Task { try await batcher.submit([2]) }
        try await Self.eventually { await batcher.queuedRowCount == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(await batcher.queuedRowCount == 0)
        await gate.open()
        #expect(try await running.value == [2])
        try await Task.sleep(for: .milliseconds(100))
        #expect(recorder.sizes == [1], "the cancelled row never reached the model")
    }

    /// Inputs that weigh several rows (an /invocations request's table) fill a batch by rows: a
    /// call never exceeds maxBatchSize rows unless one input alone does, and then it goes alone.
    @Test func batchesAreBoundedByRowsNotInputs() async throws {
        let recorder = Recorder(delay: .milliseconds(30))
        let batcher = DynamicBatcher<Int, Int>(
            name: "rows", configuration: .init(maxBatchSize: 32, maxDelay: .zero, maxQueuedRows: 1000),
            rows: { $0 }
        ) { try await recorder.run($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for weight in [20, 20, 20, 40, 10, 12] {
                group.addTask {
                    let output = try await batcher.submit([weight])
                    #expect(output == [weight * 2])
                }
            }
            try await group.waitForAll()
        }
        let batches = recorder.batches.withLock { $0 }
        #expect(batches.flatMap { $0 }.sorted() == [10, 12, 20, 20, 20, 40])
        for batch in batches {
            #expect(batch.reduce(0, +) <= 32 || batch.count == 1, "\(batches)")
        }
        #expect(await batcher.queuedRowCount == 0)
    }
}
