import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// The server's Prometheus registry and the request metrics it keeps.
///
/// Metrics are created through swift-metrics with an explicit factory over this server's own
/// registry, so several servers (tests) never share series and no global bootstrap is needed.
///
/// Series: `mlpack_http_requests_total{route,status}`, `mlpack_http_request_duration_seconds{route}`
/// (histogram), `mlpack_http_requests_in_flight`, and from each batcher `mlpack_batch_size{batcher}`
/// (histogram), `mlpack_batch_queue_rows{batcher}`, `mlpack_batch_queue_full_total{batcher}`;
/// the connections: `mlpack_http_connections_open`, `mlpack_http_connections_closed_total{reason}`
/// (closed by the server's guards: `header_timeout`, `write_timeout`, `evicted`); and
/// `mlpack_log_lines_dropped_total` (log lines the ``BoundedLogWriter`` could not queue).
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let inFlight: Metrics.Meter
    let connectionsOpen: Prometheus.Gauge
    let closedOnHeaderTimeout: Prometheus.Counter
    let closedOnWriteTimeout: Prometheus.Counter
    let evicted: Prometheus.Counter
    private let logLinesDropped: Prometheus.Counter
    /// The writer's dropped-line count, and how much of it the counter already shows.
    private let logDrops: (@Sendable () -> Int)?
    // NIOLockedValueBox (a pthread mutex), not Mutex: see ConnectionRegistry.
    private let reportedLogDrops = NIOLockedValueBox<Int>(0)
    private let counters = NIOLockedValueBox<[String: Metrics.Counter]>([:])
    private let timers = NIOLockedValueBox<[String: Metrics.Timer]>([:])

    /// The routes that get their own label; any other path is counted as `other`.
    static let knownRoutes: Set<String> = [
        "/ping", "/health", "/version", "/invocations", "/embed", "/similarity", "/metrics",
    ]

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), logDrops: (@Sendable () -> Int)? = nil) {
        self.registry = registry
        factory = Self.factory(for: registry)
        inFlight = Metrics.Meter(label: "mlpack_http_requests_in_flight", factory: factory)
        connectionsOpen = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "mlpack", subsystem: "http", metricName: "connections", unitName: "open",
            helpText: "Open client connections."))
        let closed = MetricNameDescriptor(
            namespace: "mlpack", subsystem: "http", metricName: "connections_closed", unitName: "total",
            helpText: "Connections the server closed: no complete request head in time (header_timeout), "
                + "an answer the client did not read (write_timeout), or the connection waiting longest for "
                + "a request head, closed to make room at --max-connections (evicted).")
        closedOnHeaderTimeout = registry.makeCounter(descriptor: closed, labels: [("reason", "header_timeout")])
        closedOnWriteTimeout = registry.makeCounter(descriptor: closed, labels: [("reason", "write_timeout")])
        evicted = registry.makeCounter(descriptor: closed, labels: [("reason", "evicted")])
        logLinesDropped = registry.makeCounter(descriptor: MetricNameDescriptor(
            namespace: "mlpack", subsystem: "log", metricName: "lines_dropped", unitName: "total",
            helpText: "Log lines dropped because the reader of the log fell behind."))
        self.logDrops = logDrops
    }

    /// A swift-metrics factory over `registry` with the server's histogram buckets.
    static func factory(for registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["mlpack_http_request_duration_seconds"] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        factory.valueHistogramBuckets["mlpack_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
        return factory
    }

    static func routeLabel(_ path: String) -> String {
        knownRoutes.contains(path) ? path : "other"
    }

    func requestStarted() { inFlight.increment() }

    func requestFinished(route: String, status: Int, duration: Duration) {
        inFlight.decrement()
        let counterKey = route + " " + String(status)
        let counter = counters.withLockedValue { counters in
            if let existing = counters[counterKey] { return existing }
            let created = Metrics.Counter(
                label: "mlpack_http_requests_total", dimensions: [("route", route), ("status", String(status))],
                factory: factory)
            counters[counterKey] = created
            return created
        }
        counter.increment()
        let timer = timers.withLockedValue { timers in
            if let existing = timers[route] { return existing }
            let created = Metrics.Timer(
                label: "mlpack_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            timers[route] = created
            return created
        }
        timer.recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000
            + duration.components.attoseconds / 1_000_000_000)
    }

    /// The Prometheus text exposition of every series.
    func render() -> [UInt8] {
        if let logDrops {
            let total = logDrops()
            let delta = reportedLogDrops.withLockedValue { reported in
                defer { reported = max(reported, total) }
                return total - reported
            }
            if delta > 0 { logLinesDropped.increment(by: Int64(delta)) }
        }
        return registry.emitToBuffer()
    }
}
