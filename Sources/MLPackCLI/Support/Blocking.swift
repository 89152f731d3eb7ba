import Foundation

/// Moves between the async world (network I/O on SwiftNIO) and blocking work (model loading, BLAS,
/// file I/O), so neither runs where it must not: blocking work on its own thread, never on the
/// cooperative pool; async work awaited from such a thread without occupying a pool thread.
enum Blocking {
    /// Runs `body` on a new thread and awaits its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// Waits for `operation` from a blocking thread (a command's `run()`, which ``MLPackCommand``
    /// runs on its own thread). Never call it from a cooperative-pool thread.
    static func wait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.result = await Result(catching: { try await operation() })
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
