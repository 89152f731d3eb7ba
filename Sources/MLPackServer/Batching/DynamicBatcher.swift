import MLPackCore
import Metrics
import NIOCore

/// Queues the inputs of concurrent requests and hands them to one batch function in batches, run
/// on ``ModelWorkers`` threads.
///
/// Each input counts as `rows(input)` rows (1 by default: a text, a pair); `/invocations` counts a
/// request's table rows, so `maxBatchSize` bounds the rows of one model call whatever the requests.
///
/// - A batch is dispatched as soon as a worker is free and `maxBatchSize` rows are queued, or
///   `maxDelay` after the oldest queued row arrived (at once with the default delay 0), or at once
///   when a batch of this batcher finishes and rows are waiting: rows that queued while the model
///   was busy go together (continuous batching).
/// - A request's rows may span several batches; ``submit(_:deadline:)`` returns its outputs in the
///   order of its rows.
/// - At most `maxConcurrentBatches` batches of this batcher run at a time (and at most the
///   workers' count across the batchers that share them).
/// - The queue is bounded: a request whose rows would push the queue past `maxQueuedRows` is
///   refused at once with ``ScoringError/overloaded(retryAfterSeconds:)`` (HTTP 503).
/// - A cancelled request (client gone), or one whose deadline passes, is answered at once
///   (`CancellationError`, ``Deadline/Expired``) and leaves the queue; a batch already running for
///   it finishes and its outputs are dropped.
/// - If the batch function throws, every request with rows in that batch gets the error.
/// - Once its workers shut down, what was queued and what is submitted fail with
///   `CancellationError`.
public final class DynamicBatcher<Input: Sendable, Output: Sendable>: BatchSource, @unchecked Sendable {
    // Mutable state under `workers.condition`.

    /// Limits of a batcher.
    public struct Configuration: Sendable, Equatable {
        /// Most rows per call of the batch function.
        public var maxBatchSize: Int
        /// Longest a row waits for companions before its batch is dispatched.
        public var maxDelay: Duration
        /// Most rows waiting (not yet dispatched) before new requests are refused.
        public var maxQueuedRows: Int
        /// Most batches running at once.
        public var maxConcurrentBatches: Int
        /// The `Retry-After` seconds sent with a 503 when the queue is full.
        public var retryAfterSeconds: Int

        public init(
            maxBatchSize: Int = 32, maxDelay: Duration = .milliseconds(5), maxQueuedRows: Int = 4096,
            maxConcurrentBatches: Int = 1, retryAfterSeconds: Int = 1
        ) {
            self.maxBatchSize = max(1, maxBatchSize)
            self.maxDelay = max(.zero, maxDelay)
            self.maxQueuedRows = max(1, maxQueuedRows)
            self.maxConcurrentBatches = max(1, maxConcurrentBatches)
            self.retryAfterSeconds = max(1, retryAfterSeconds)
        }
    }

    /// The batch function: outputs for `inputs`, one per input, in order. It runs on a worker
    /// thread and may block it.
    public typealias BatchFunction = @Sendable ([Input]) throws -> [Output]

    /// Thrown to requests whose batch returned the wrong number of outputs.
    public struct OutputCountMismatch: Error, CustomStringConvertible {
        public var inputs: Int
        public var outputs: Int
        public var description: String {
            "the batch function returned \(outputs) outputs for \(inputs) inputs"
        }
    }

    private final class Pending {
        let id: UInt64
        let inputs: [Input]
        /// Rows of each input (what the batch size and the queue cap count).
        let rows: [Int]
        /// Outputs received so far, keyed by the first row index of their slice.
        var outputs: [Int: ArraySlice<Output>] = [:]
        var nextToDispatch = 0
        var filled = 0
        var continuation: CheckedContinuation<[Output], any Error>?
        var timer: Scheduled<Void>?
        /// When it was queued (the batch delay counts from the oldest queued request).
        let arrived = ContinuousClock.now

        init(id: UInt64, inputs: [Input], rows: [Int], continuation: CheckedContinuation<[Output], any Error>) {
            self.id = id
            self.inputs = inputs
            self.rows = rows
            self.continuation = continuation
        }

        var undispatched: Int { inputs.count - nextToDispatch }
        var undispatchedRows: Int { rows[nextToDispatch...].reduce(0, +) }

        /// The outputs in row order (call once `filled == inputs.count`).
        func orderedOutputs() -> [Output] {
            var result: [Output] = []
            result.reserveCapacity(inputs.count)
            for start in outputs.keys.sorted() {
                if let slice = outputs[start] { result.append(contentsOf: slice) }
            }
            return result
        }

        /// Takes the continuation for `result` (resumed later, outside the lock).
        func finish(_ result: Result<[Output], any Error>) -> Resumption? {
            timer?.cancel()
            timer = nil
            guard let continuation else { return nil }
            self.continuation = nil
            return Resumption(continuation: continuation, result: result)
        }
    }

    /// A continuation to resume once the lock is released.
    private struct Resumption {
        let continuation: CheckedContinuation<[Output], any Error>
        let result: Result<[Output], any Error>
        func resume() { continuation.resume(with: result) }
    }

    /// One slice of a request inside a batch.
    private struct Slice {
        let pending: Pending
        let range: Range<Int>
    }

    public let configuration: Configuration
    /// The threads that run this batcher's batches.
    public let workers: ModelWorkers
    private let batchFunction: BatchFunction
    private let rows: @Sendable (Input) -> Int
    private var queue: [Pending] = []
    /// Every request not yet answered, queued or running.
    private var active: [UInt64: Pending] = [:]
    private var queuedRows = 0
    private var running = 0
    private var nextID: UInt64 = 0
    /// A batch of this batcher finished while rows waited: they go without the delay.
    private var flush = false
    private let batchSizes: Recorder
    private let queueDepth: Meter
    private let refusals: Counter

    /// - Parameters:
    ///   - name: label value for the metrics (`batcher="<name>"`).
    ///   - workers: the threads that run the batches; by default the batcher's own, one per
    ///     `maxConcurrentBatches` (call `workers.shutdown()` when done).
    ///   - metricsFactory: where the metrics go (the server passes its Prometheus registry).
    public init(
        name: String, configuration: Configuration, workers: ModelWorkers? = nil,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        rows: @escaping @Sendable (Input) -> Int = { _ in 1 },
        batchFunction: @escaping BatchFunction
    ) {
        self.configuration = configuration
        self.workers = workers ?? ModelWorkers(count: configuration.maxConcurrentBatches, name: "mlpack-\(name)")
        self.batchFunction = batchFunction
        self.rows = rows
        let dimensions = [("batcher", name)]
        batchSizes = Recorder(
            label: "mlpack_batch_size", dimensions: dimensions, aggregate: true, factory: metricsFactory)
        queueDepth = Meter(label: "mlpack_batch_queue_rows", dimensions: dimensions, factory: metricsFactory)
        refusals = Counter(
            label: "mlpack_batch_queue_full_total", dimensions: dimensions, factory: metricsFactory)
        self.workers.register(self)
    }

    /// Rows waiting to be dispatched.
    public var queuedRowCount: Int {
        workers.condition.lock()
        defer { workers.condition.unlock() }
        return queuedRows
    }

    /// Queues `inputs` and returns their outputs in order once every row went through a batch;
    /// throws ``Deadline/Expired`` as soon as `deadline` passes first.
    public func submit(_ inputs: [Input], deadline: ContinuousClock.Instant? = nil) async throws -> [Output] {
        if inputs.isEmpty { return [] }
        try Task.checkCancellation()
        let rowCounts = inputs.map { max(1, rows($0)) }
        let total = rowCounts.reduce(0, +)
        let lock = workers.condition
        let id = newID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                lock.lock()
                guard !workers.isStopping else {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                    return
                }
                guard queuedRows + total <= configuration.maxQueuedRows else {
                    lock.unlock()
                    refusals.increment()
                    continuation.resume(throwing: ScoringError.overloaded(retryAfterSeconds: configuration.retryAfterSeconds))
                    return
                }
                let pending = Pending(id: id, inputs: inputs, rows: rowCounts, continuation: continuation)
                queue.append(pending)
                active[id] = pending
                queuedRows += total
                queueDepth.set(queuedRows)
                if let deadline {
                    pending.timer = Deadline.timerLoop.scheduleTask(in: TimeAmount(deadline - .now)) { [weak self] in
                        self?.end(id, Deadline.Expired())
                    }
                }
                workers.wakeOne()
                lock.unlock()
                // Cancelled before the handler below was installed.
                if Task.isCancelled { end(id, CancellationError()) }
            }
        } onCancel: {
            end(id, CancellationError())
        }
    }

    private func newID() -> UInt64 {
        workers.condition.lock()
        defer { workers.condition.unlock() }
        nextID &+= 1
        return nextID
    }

    /// Answers request `id` with `error` if it is still unanswered, and takes it out of the queue.
    private func end(_ id: UInt64, _ error: any Error) {
        workers.condition.lock()
        let resumption = active.removeValue(forKey: id).flatMap { pending in
            removeFromQueue(pending)
            return pending.finish(.failure(error))
        }
        workers.condition.unlock()
        resumption?.resume()
    }

    func takeBatch(now: ContinuousClock.Instant, stopping: Bool) -> BatchDecision {
        if stopping {
            let resumptions = queue.compactMap { pending -> Resumption? in
                active[pending.id] = nil
                return pending.finish(.failure(CancellationError()))
            }
            queue = []
            queuedRows = 0
            queueDepth.set(0)
            // Resuming only enqueues the waiting tasks: safe under the lock.
            for resumption in resumptions { resumption.resume() }
            return .wait(until: nil)
        }
        guard queuedRows > 0, running < configuration.maxConcurrentBatches else { return .wait(until: nil) }
        if !(queuedRows >= configuration.maxBatchSize || configuration.maxDelay == .zero || flush) {
            let due = (queue.first?.arrived ?? now) + configuration.maxDelay
            if now < due { return .wait(until: due) }
        }
        return .run(dispatch())
    }

    /// Takes the next batch off the queue (under the lock); the returned job runs it.
    private func dispatch() -> () -> Void {
        var slices: [Slice] = []
        var size = 0
        var count = 0
        // Whole inputs, up to maxBatchSize rows (an input larger than that goes alone).
        fill: while size < configuration.maxBatchSize, let first = queue.first {
            let start = first.nextToDispatch
            while first.nextToDispatch < first.inputs.count {
                let cost = first.rows[first.nextToDispatch]
                guard size + cost <= configuration.maxBatchSize || size == 0 else { break }
                size += cost
                first.nextToDispatch += 1
            }
            if first.nextToDispatch > start {
                slices.append(Slice(pending: first, range: start..<first.nextToDispatch))
                count += first.nextToDispatch - start
            }
            if first.undispatched == 0 { queue.removeFirst() } else { break fill }
        }
        queuedRows -= size
        queueDepth.set(queuedRows)
        batchSizes.record(size)
        running += 1
        flush = false
        var inputs: [Input] = []
        inputs.reserveCapacity(count)
        for slice in slices { inputs.append(contentsOf: slice.pending.inputs[slice.range]) }
        return { [self] in
            let result = Result { try batchFunction(inputs) }
            complete(slices, result: result, inputCount: count)
        }
    }

    private func complete(_ slices: [Slice], result: Result<[Output], any Error>, inputCount: Int) {
        var resumptions: [Resumption] = []
        workers.condition.lock()
        running -= 1
        switch result {
        case .success(let outputs) where outputs.count == inputCount:
            var offset = 0
            for slice in slices {
                let pending = slice.pending
                let count = slice.range.count
                pending.outputs[slice.range.lowerBound] = outputs[offset..<(offset + count)]
                offset += count
                pending.filled += count
                if pending.filled == pending.inputs.count, active.removeValue(forKey: pending.id) != nil,
                    let resumption = pending.finish(.success(pending.orderedOutputs()))
                {
                    resumptions.append(resumption)
                }
            }
        case .success(let outputs):
            resumptions = fail(slices, OutputCountMismatch(inputs: inputCount, outputs: outputs.count))
        case .failure(let error):
            resumptions = fail(slices, error)
        }
        // Rows that waited while this batch ran go now.
        if queuedRows > 0 { flush = true }
        workers.condition.unlock()
        for resumption in resumptions { resumption.resume() }
    }

    private func fail(_ slices: [Slice], _ error: any Error) -> [Resumption] {
        slices.compactMap { slice in
            let pending = slice.pending
            guard active.removeValue(forKey: pending.id) != nil else { return nil }
            removeFromQueue(pending)
            return pending.finish(.failure(error))
        }
    }

    private func removeFromQueue(_ pending: Pending) {
        guard let index = queue.firstIndex(where: { $0 === pending }) else { return }
        queue.remove(at: index)
        queuedRows -= pending.undispatchedRows
        queueDepth.set(queuedRows)
    }
}
