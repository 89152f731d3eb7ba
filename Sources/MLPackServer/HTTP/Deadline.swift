import Synchronization

/// Runs work with a deadline.
enum Deadline {
    struct Expired: Error {}

    /// The result of `operation`, or ``Expired`` as soon as `deadline` passes. The operation is
    /// then cancelled but not awaited: a model call that ignores cancellation finishes in the
    /// background while the client already has its answer.
    static func run<T: Sendable>(
        until deadline: ContinuousClock.Instant, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation)
                let work = Task {
                    do {
                        race.finish(.success(try await operation()))
                    } catch {
                        race.finish(.failure(error))
                    }
                }
                let timer = Task {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    if !Task.isCancelled { race.finish(.failure(Expired())) }
                    work.cancel()
                }
                race.onFinish { timer.cancel() }
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }

    /// The first of several outcomes resumes the continuation; the rest are dropped.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var early: Result<T, any Error>?
            var done = false
            var cleanup: (@Sendable () -> Void)?
        }

        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<T, any Error>) {
            let early: Result<T, any Error>? = state.withLock { state in
                if let early = state.early {
                    state.early = nil
                    return early
                }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
            let runNow = state.withLock { state in
                if state.done { return true }
                state.cleanup = cleanup
                return false
            }
            if runNow { cleanup() }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, cleanup): (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) =
                state.withLock { state in
                    guard !state.done else { return (nil, nil) }
                    state.done = true
                    let cleanup = state.cleanup
                    state.cleanup = nil
                    guard let continuation = state.continuation else {
                        state.early = result
                        return (nil, cleanup)
                    }
                    state.continuation = nil
                    return (continuation, cleanup)
                }
            continuation?.resume(with: result)
            cleanup?()
        }
    }
}
