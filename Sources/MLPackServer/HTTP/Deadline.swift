import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Runs work with a deadline.
enum Deadline {
    struct Expired: Error {}

    /// The event loops whose timers run the deadlines (NIO's shared group, the one the server's
    /// connections use; the timer's work is a continuation resume and a cancel).
    static var timerLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }

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
                // The timer is an event-loop scheduled task, not a sleeping Swift task: on Linux a
                // cancelled `Task.sleep` leaves its dispatch timer (and with it the sleeping task,
                // the work task and their captures, ~1 KB) alive until the deadline, so every
                // request held memory for the whole request timeout (RSS grew with the request
                // rate × 60 s: bench/soak.sh). A cancelled NIO task is dropped at once.
                let timer = Self.timerLoop.scheduleTask(in: TimeAmount(deadline - .now)) {
                    race.finish(.failure(Expired()))
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
        private struct State: Sendable {
            var continuation: CheckedContinuation<T, any Error>?
            var early: Result<T, any Error>?
            var done = false
            var cleanup: (@Sendable () -> Void)?
        }

        // NIOLockedValueBox (a pthread mutex), not Mutex: see ConnectionRegistry.
        private let state = NIOLockedValueBox(State())

        func start(_ continuation: CheckedContinuation<T, any Error>) {
            let early: Result<T, any Error>? = state.withLockedValue { state in
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
            let runNow = state.withLockedValue { state in
                if state.done { return true }
                state.cleanup = cleanup
                return false
            }
            if runNow { cleanup() }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, cleanup): (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) =
                state.withLockedValue { state in
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
