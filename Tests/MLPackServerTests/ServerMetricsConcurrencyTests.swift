import Foundation
import MLPackTestSupport
import Testing

@testable import MLPackServer

/// The server's shared state updated from many threads at once, as the event loops and the
/// request tasks do. Run under ThreadSanitizer by scripts/test-sanitizers.sh: with the standard
/// library's `Mutex` (a PI futex whose contended hand-over happens in the kernel) ThreadSanitizer
/// reported these locked accesses as races, so the server's locks are pthread mutexes
/// (NIOLockedValueBox), whose hand-over it sees. This test contends on them on purpose.
@Suite struct ServerMetricsConcurrencyTests {
    /// Runs `body(t)` on `n` threads started together and waits for all of them (Foundation
    /// threads and an NSCondition: synchronisation ThreadSanitizer understands).
    static func onThreads(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let condition = NSCondition()
        nonisolated(unsafe) var finished = 0
        for t in 0..<n {
            Thread {
                body(t)
                condition.lock()
                finished += 1
                condition.signal()
                condition.unlock()
            }.start()
        }
        condition.lock()
        while finished < n { condition.wait() }
        condition.unlock()
    }

    @Test func requestsCountedFromManyThreadsAddUp() {
        nonisolated(unsafe) var drops = 0
        let dropsLock = NSLock()
        let metrics = ServerMetrics(logDrops: { dropsLock.withLock { drops } })
        let routes = ["/ping", "/invocations", "/similarity", "other"]
        let perThread = 2_000
        Self.onThreads(4) { t in
            for i in 0..<perThread {
                let route = routes[(i + t) % routes.count]
                metrics.requestStarted()
                metrics.requestFinished(route: route, status: 200, duration: .microseconds(i))
                if i % 100 == 0 {
                    dropsLock.withLock { drops += 1 }
                    _ = metrics.render()
                }
            }
        }
        let text = String(decoding: metrics.render(), as: UTF8.self)
        for route in routes {
            #expect(prometheusValue(text, "mlpack_http_requests_total{route=\"\(route)\",status=\"200\"}") == Double(perThread))
        }
        #expect(prometheusValue(text, "mlpack_log_lines_dropped_total") == Double(4 * perThread / 100))
    }
}
