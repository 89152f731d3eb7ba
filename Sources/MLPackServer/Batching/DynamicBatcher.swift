import MLPackCore
import Metrics

/// Queues the inputs of concurrent requests and hands them to one batch function in batches.
///
/// Each input counts as `rows(input)` rows (1 by default: a text, a pair); `/invocations` counts a
/// request's table rows, so `maxBatchSize` bounds the rows of one model call whatever the requests.
///
/// - A batch is dispatched as soon as `maxBatchSize` rows are queued, or `maxDelay` after the
///   oldest queued row arrived, or at once when a batch finishes and rows are waiting.
/// - A request's rows may span several batches; ``submit(_:)`` returns its outputs in the order
///   of its rows.
/// - At most `maxConcurrentBatches` batches run at a time.
/// - The queue is bounded: a request whose rows would push the queue past `maxQueuedRows` is
///   refused at once with ``ScoringError/overloaded(retryAfterSeconds:)`` (HTTP 503).
/// - A cancelled request (timeout, client gone) leaves the queue; a batch already running for it
///   finishes and its outputs are dropped.
/// - If the batch function throws, every request with rows in that batch gets the error.
public actor DynamicBatcher<Input: Sendable, Output: Sendable> {
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

    /// The batch function: outputs for `inputs`, one per input, in order.
    public typealias BatchFunction = @Sendable ([Input]) async throws -> [Output]

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

        func finish(_ result: Result<[Output], any Error>) {
            continuation?.resume(with: result)
            continuation = nil
        }
    }

    /// One slice of a request inside a batch.
    private struct Slice {
        let pending: Pending
        let range: Range<Int>
    }

    public let configuration: Configuration
    private let batchFunction: BatchFunction
    private let rows: @Sendable (Input) -> Int
    private var queue: [Pending] = []
    /// Every request not yet answered, queued or running.
    private var active: [UInt64: Pending] = [:]
    private var queuedRows = 0
    private var running = 0
    private var nextID: UInt64 = 0
    private var timer: Task<Void, Never>?
    private let batchSizes: Recorder
    private let queueDepth: Meter
    private let refusals: Counter

    /// - Parameters:
    ///   - name: label value for the metrics (`batcher="<name>"`).
    ///   - metricsFactory: where the metrics go (the server passes its Prometheus registry).
    public init(
        name: String, configuration: Configuration,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        rows: @escaping @Sendable (Input) -> Int = { _ in 1 },
        batchFunction: @escaping BatchFunction
    ) {
        self.configuration = configuration
        self.batchFunction = batchFunction
        self.rows = rows
        let dimensions = [("batcher", name)]
        batchSizes = Recorder(
            label: "mlpack_batch_size", dimensions: dimensions, aggregate: true, factory: metricsFactory)
        queueDepth = Meter(label: "mlpack_batch_queue_rows", dimensions: dimensions, factory: metricsFactory)
        refusals = Counter(
            label: "mlpack_batch_queue_full_total", dimensions: dimensions, factory: metricsFactory)
    }

    /// Rows waiting to be dispatched.
    public var queuedRowCount: Int { queuedRows }

    /// Queues `inputs` and returns their outputs in order once every row went through a batch.
    public func submit(_ inputs: [Input]) async throws -> [Output] {
        if inputs.isEmpty { return [] }
        try Task.checkCancellation()
        let rowCounts = inputs.map { max(1, rows($0)) }
        let total = rowCounts.reduce(0, +)
        guard queuedRows + total <= configuration.maxQueuedRows else {
            refusals.increment()
            throw ScoringError.overloaded(retryAfterSeconds: configuration.retryAfterSeconds)
        }
        nextID &+= 1
        let id = nextID
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let pending = Pending(id: id, inputs: inputs, rows: rowCounts, continuation: continuation)
                queue.append(pending)
                active[id] = pending
                queuedRows += total
                queueDepth.set(queuedRows)
                schedule()
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func cancel(_ id: UInt64) {
        guard let pending = active.removeValue(forKey: id) else { return }
        removeFromQueue(pending)
        pending.finish(.failure(CancellationError()))
    }

    /// Dispatches what can go now; arms the delay timer for the rest.
    private func schedule() {
        while running < configuration.maxConcurrentBatches && queuedRows > 0 {
            let full = queuedRows >= configuration.maxBatchSize
            // When a batch is already running, waiting rows go as soon as it finishes (the delay
            // has then been spent waiting for the model); with nothing running, wait for the
            // delay to gather companions.
            guard full || configuration.maxDelay == .zero || timerFired else { break }
            dispatch()
        }
        timerFired = false
        if queuedRows > 0 && running < configuration.maxConcurrentBatches && timer == nil {
            let delay = configuration.maxDelay
            timer = Task { [weak self] in
                try? await Task.sleep(for: delay)
                await self?.timerFire()
            }
        }
    }

    private var timerFired = false

    private func timerFire() {
        timer = nil
        timerFired = true
        schedule()
    }

    private func dispatch() {
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
        guard count > 0 else { return }
        queuedRows -= size
        queueDepth.set(queuedRows)
        batchSizes.record(size)
        running += 1
        if queue.isEmpty {
            timer?.cancel()
            timer = nil
        }
        var inputs: [Input] = []
        inputs.reserveCapacity(count)
        for slice in slices { inputs.append(contentsOf: slice.pending.inputs[slice.range]) }
        let function = batchFunction
        let batch = inputs
        Task {
            let result: Result<[Output], any Error>
            do {
                result = .success(try await function(batch))
            } catch {
                result = .failure(error)
            }
            self.complete(slices, result: result, inputCount: count)
        }
    }

    private func complete(_ slices: [Slice], result: Result<[Output], any Error>, inputCount: Int) {
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
                if pending.filled == pending.inputs.count {
                    active[pending.id] = nil
                    pending.finish(.success(pending.orderedOutputs()))
                }
            }
        case .success(let outputs):
            fail(slices, OutputCountMismatch(inputs: inputCount, outputs: outputs.count))
        case .failure(let error):
            fail(slices, error)
        }
        // Rows that waited while this batch ran go now.
        timerFired = true
        schedule()
    }

    private func fail(_ slices: [Slice], _ error: any Error) {
        for slice in slices {
            let pending = slice.pending
            active[pending.id] = nil
            removeFromQueue(pending)
            pending.finish(.failure(error))
        }
    }

    private func removeFromQueue(_ pending: Pending) {
        guard let index = queue.firstIndex(where: { $0 === pending }) else { return }
        queue.remove(at: index)
        queuedRows -= pending.undispatchedRows
        queueDepth.set(queuedRows)
        if queue.isEmpty {
            timer?.cancel()
            timer = nil
        }
    }
}
