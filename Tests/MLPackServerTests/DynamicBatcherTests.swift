import Foundation
import MLPackCore
import Metrics
import Synchronization
import Testing

@testable import MLPackServer

@Suite struct DynamicBatcherTests {
    /// Holds the worker threads that call `wait()` until opened; stays open.
    final class Gate: Sendable {
        private let state = Mutex(false)

        func wait() {
            while !state.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.002) }
        }

        func open() { state.withLock { $0 = true } }
    }

    /// Records batch sizes; doubles each input (on a worker thread, which it may hold).
    final class Recorder: Sendable {
        let batches = Mutex<[[Int]]>([])
        let delay: Double
        let gate: Gate?

        init(delay: Duration = .zero, gate: Gate? = nil) {
            self.delay = Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds)
            self.gate = gate
        }

        func run(_ inputs: [Int]) -> [Int] {
            batches.withLock { $0.append(inputs) }
            gate?.wait()
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
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

    /// A batcher of one row per batch whose first batch (`[1]`) is held by the gate while a second
    /// request (`[2]`) waits in the queue; returns once both states are reached.
    static func oneRunningOneWaiting() async throws -> (
        gate: Gate, recorder: Recorder, batcher: DynamicBatcher<Int, Int>,
        running: Task<[Int], any Error>, waiting: Task<[Int], any Error>
    ) {
        let gate = Gate()
        let recorder = Recorder(gate: gate)
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 1, maxDelay: .zero, maxQueuedRows: 10)
        ) { recorder.run($0) }
        let running = Task { try await batcher.submit([1]) }
        try await eventually { recorder.sizes == [1] }
        let waiting = Task { try await batcher.submit([2]) }
        try await eventually { batcher.queuedRowCount == 1 }
        return (gate, recorder, batcher, running, waiting)
    }

    @Test func concurrentRequestsShareBatchesAndGetTheirOwnRowsBackInOrder() async throws {
        let recorder = Recorder(delay: .milliseconds(20))
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 8, maxDelay: .milliseconds(30), maxQueuedRows: 1000)
        ) { recorder.run($0) }
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
        ) { recorder.run($0) }
        let output = try await batcher.submit(Array(0..<10))
        #expect(output == (0..<10).map { $0 * 2 })
        #expect(recorder.sizes == [4, 4, 2])
    }

    @Test func aLoneRequestWaitsAtMostTheDelay() async throws {
        let recorder = Recorder()
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 64, maxDelay: .milliseconds(40))
        ) { recorder.run($0) }
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
        // The first batch holds until the gate opens, and each step waits for its state, so a
        // stalled test runner (a busy machine) cannot reorder them.
        let gate = Gate()
        let recorder = Recorder(gate: gate)
        let batcher = DynamicBatcher<Int, Int>(
            name: "t",
            configuration: .init(maxBatchSize: 2, maxDelay: .zero, maxQueuedRows: 4, retryAfterSeconds: 3)
        ) { recorder.run($0) }
        // The first batch (2 rows) runs; 4 more rows fill the queue.
        let running = Task { try await batcher.submit([1, 2]) }
        try await Self.eventually { recorder.sizes == [2] }
        let queued = Task { try await batcher.submit([3, 4, 5, 6]) }
        try await Self.eventually { batcher.queuedRowCount == 4 }
        await #expect(throws: ScoringError.overloaded(retryAfterSeconds: 3)) {
            try await batcher.submit([7])
        }
        gate.open()
        #expect(try await running.value == [2, 4])
        #expect(try await queued.value == [6, 8, 10, 12])
        // Once drained, it accepts again.
        #expect(try await batcher.submit([7]) == [14])
        await batcher.workers.shutdown()
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
        let (gate, recorder, batcher, running, waiting) = try await Self.oneRunningOneWaiting()
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(batcher.queuedRowCount == 0)
        gate.open()
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
        ) { recorder.run($0) }
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
        #expect(batcher.queuedRowCount == 0)
    }

    /// A request whose deadline passes is answered at once, whether its rows wait in the queue or
    /// its batch is running (the gate holds that batch until both answers are in: without the
    /// deadline the test would wait until its time limit); the running batch then finishes and the
    /// next request is served. No bound on the elapsed time: the suite's CLI tests can hold the
    /// cooperative pool, and this test with it, for half a minute.
    @Test(.timeLimit(.minutes(3))) func aPassedDeadlineAnswersAtOnce() async throws {
        let gate = Gate()
        let recorder = Recorder(gate: gate)
        let batcher = DynamicBatcher<Int, Int>(
            name: "t", configuration: .init(maxBatchSize: 1, maxDelay: .zero, maxQueuedRows: 10)
        ) { recorder.run($0) }
        let running = Task { try await batcher.submit([1], deadline: .now + .milliseconds(100)) }
        try await Self.eventually { recorder.sizes == [1] }
        let waiting = Task { try await batcher.submit([2], deadline: .now + .milliseconds(100)) }
        await #expect(throws: Deadline.Expired.self) { try await running.value }
        await #expect(throws: Deadline.Expired.self) { try await waiting.value }
        #expect(batcher.queuedRowCount == 0)
        gate.open()
        #expect(try await batcher.submit([3], deadline: .now + .seconds(60)) == [6])
        #expect(recorder.sizes == [1, 1], "the expired queued row never reached the model")
        await batcher.workers.shutdown()
    }

    /// Batchers that share workers never run more batches at once than there are workers, and take
    /// turns.
    @Test func sharedWorkersBoundConcurrentBatchesAcrossBatchers() async throws {
        let workers = ModelWorkers(count: 1, name: "test")
        let inFlight = Mutex((now: 0, most: 0))
        let body: @Sendable ([Int]) -> [Int] = { inputs in
            inFlight.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            Thread.sleep(forTimeInterval: 0.005)
            inFlight.withLock { $0.now -= 1 }
            return inputs.map { $0 + 1 }
        }
        let configuration = DynamicBatcher<Int, Int>.Configuration(maxBatchSize: 2, maxDelay: .zero, maxConcurrentBatches: 4)
        let first = DynamicBatcher<Int, Int>(name: "a", configuration: configuration, workers: workers, batchFunction: body)
        let second = DynamicBatcher<Int, Int>(name: "b", configuration: configuration, workers: workers, batchFunction: body)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let batcher = i % 2 == 0 ? first : second
                    let output = try await batcher.submit([i, i])
                    #expect(output == [i + 1, i + 1])
                }
            }
            try await group.waitForAll()
        }
        #expect(inFlight.withLock { $0.most } == 1)
        await workers.shutdown()
    }

    /// Shutdown lets the running batch finish, fails what is still queued and what comes later (no
    /// request waits for a worker that is gone), and ends the threads.
    @Test func shutdownFinishesTheRunningBatchAndFailsTheQueueAndLaterRequests() async throws {
        let (gate, recorder, batcher, running, waiting) = try await Self.oneRunningOneWaiting()
        let stopped = Task { await batcher.workers.shutdown() }
        try await Self.eventually { batcher.workers.hasBegunShutdown }
        gate.open()
        await stopped.value
        #expect(try await running.value == [2])
        await #expect(throws: CancellationError.self) { try await waiting.value }
        await #expect(throws: CancellationError.self) { try await batcher.submit([3]) }
        #expect(recorder.sizes == [1])
    }
}
