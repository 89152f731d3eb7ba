import Foundation

/// The threads that run a model's calls, shared by the batchers of one model (`--workers`).
///
/// Model calls block their thread for milliseconds to seconds (BLAS, the tokenizer), so they run
/// here, never on an event loop or Swift's cooperative pool. A request reaches a worker in one
/// hand-off: the handler queues its rows in a ``DynamicBatcher`` and suspends; an idle worker takes
/// the batch, runs it and resumes the handlers itself. (The previous road, an actor, a task per
/// batch and a thread pool, took four more wake-ups and about 0.1 ms per request.)
///
/// Every batcher's state lives under this object's lock, so a worker picks the next batch across
/// batchers (in turn) and at most `count` model calls run at once, whatever the routes.
public final class ModelWorkers: @unchecked Sendable {  // mutable state under `condition`
    /// Worker threads.
    public let count: Int
    let condition = NSCondition()
    private var sources: [any BatchSource] = []
    private var nextSource = 0
    private var stopping = false
    private var running: Int
    private var stopped: [CheckedContinuation<Void, Never>] = []

    /// Starts `count` worker threads named `<name>-<i>`. Call ``shutdown()`` when done.
    public init(count: Int, name: String = "mlpack-model") {
        self.count = max(1, count)
        running = self.count
        for index in 0..<self.count {
            let thread = Thread { [self] in work() }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }

    /// Adds a batcher whose batches these workers run.
    func register(_ source: any BatchSource) {
        condition.lock()
        sources.append(source)
        condition.unlock()
    }

    /// Whether ``shutdown()`` has begun (read with the lock held): no worker takes new batches.
    var isStopping: Bool { stopping }

    /// ``isStopping``, taking the lock.
    var hasBegunShutdown: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Called with the lock held after a source's state changed: a waiting worker looks again.
    func wakeOne() {
        condition.signal()
    }

    /// Stops the workers once the batches they run are done; what is still queued fails with
    /// `CancellationError`. Returns when every worker thread has ended.
    public func shutdown() async {
        await withCheckedContinuation { continuation in
            condition.lock()
            stopping = true
            if running == 0 {
                condition.unlock()
                continuation.resume()
                return
            }
            stopped.append(continuation)
            condition.broadcast()
            condition.unlock()
        }
    }

    private func work() {
        condition.lock()
        while true {
            let now = ContinuousClock.now
            var job: (() -> Void)?
            var wake: ContinuousClock.Instant?
            for offset in 0..<sources.count {
                let index = (nextSource + offset) % sources.count
                switch sources[index].takeBatch(now: now, stopping: stopping) {
                case .run(let batch):
                    job = batch
                    nextSource = (index + 1) % sources.count
                case .wait(let until):
                    if let until { wake = min(wake ?? until, until) }
                }
                if job != nil { break }
            }
            if let job {
                condition.unlock()
                job()
                condition.lock()
                continue
            }
            if stopping { break }
            if let wake {
                let seconds = Double((wake - now).components.attoseconds) / 1e18 + Double((wake - now).components.seconds)
                _ = condition.wait(until: Date(timeIntervalSinceNow: max(0, seconds)))
            } else {
                condition.wait()
            }
        }
        running -= 1
        let done = running == 0 ? stopped : []
        if running == 0 { stopped = [] }
        condition.unlock()
        for continuation in done { continuation.resume() }
    }
}

/// What a worker asks a batcher for, under the workers' lock.
enum BatchDecision {
    /// Run this now (outside the lock).
    case run(() -> Void)
    /// Nothing to run; look again at this time (a batch delay), or when woken.
    case wait(until: ContinuousClock.Instant?)
}

/// A queue of rows that ``ModelWorkers`` drain (``DynamicBatcher``).
protocol BatchSource: AnyObject {
    /// Called with the workers' lock held. When `stopping`, queued requests fail and `.wait` is
    /// returned.
    func takeBatch(now: ContinuousClock.Instant, stopping: Bool) -> BatchDecision
}
