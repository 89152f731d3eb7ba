import MLPackCore

/// Settings of `mlpack serve`: address, limits, batching and authentication.
public struct ScoringServerConfiguration: Sendable {
    /// Interface to bind (MLflow's default `127.0.0.1`).
    public var host: String
    /// TCP port (MLflow's default 5000; 0 picks a free port).
    public var port: Int
    /// Largest request body accepted; larger bodies get 413.
    public var maxBodyBytes: Int
    /// Deepest JSON nesting accepted; deeper bodies get 400.
    public var maxJSONDepth: Int
    /// Most rows per request (JSON data rows, CSV records, texts or pairs); more get 413.
    public var maxRowsPerRequest: Int
    /// Time from the start of a request to its answer: 408 while the body is still arriving,
    /// 504 once the model has it (MLflow's `--timeout`, default 60 s).
    public var requestTimeout: Duration
    /// When set, every route except `/ping`, `/health` and `/version` (and `/metrics` with
    /// ``publicMetrics``) needs `Authorization: Bearer <apiKey>`.
    public var apiKey: String?
    /// `GET /metrics` answers without the API key (a Prometheus scrape needs no secret).
    public var publicMetrics: Bool
    /// Batching of `/embed` and `/similarity` rows.
    public var batching: DynamicBatcher<String, [Float]>.Configuration
    /// Most open connections. At the cap the connection that has waited longest for a request
    /// head (a slow or idle one) is closed to make room; only when every connection has a request
    /// in progress do new ones wait in the listen backlog.
    public var maxConnections: Int
    /// Idle keep-alive connections are closed after this long.
    public var idleTimeout: Duration
    /// A connection must send a complete request head within this long of opening (and each later
    /// request within this long of its first byte); else it gets 408 and is closed.
    public var headerTimeout: Duration
    /// A connection whose answer the client does not read (nothing drains for this long) is closed.
    public var writeTimeout: Duration
    /// The version `/version` reports (MLflow's clients read it to choose the protocol).
    public var reportedVersion: String
    /// After SIGTERM/SIGINT, how long the server keeps serving while `/ping` (readiness) answers
    /// 503, so a load balancer or Kubernetes readiness probe takes it out of rotation, and every
    /// answer carries `Connection: close`, before it stops accepting connections and finishes the
    /// requests in flight. `/health` (liveness) stays 200 throughout.
    public var drainPeriod: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 5000, maxBodyBytes: Int = 16 * 1024 * 1024,
        maxJSONDepth: Int = 64, maxRowsPerRequest: Int = 10_000, requestTimeout: Duration = .seconds(60),
        apiKey: String? = nil, batching: DynamicBatcher<String, [Float]>.Configuration = .init(),
        maxConnections: Int = 1024, idleTimeout: Duration = .seconds(60),
        reportedVersion: String = MLPack.mlflowCompatibleVersion, drainPeriod: Duration = .zero,
        publicMetrics: Bool = false, headerTimeout: Duration = .seconds(10), writeTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = max(0, maxBodyBytes)
        self.maxJSONDepth = max(1, maxJSONDepth)
        self.maxRowsPerRequest = max(1, maxRowsPerRequest)
        self.requestTimeout = requestTimeout
        self.apiKey = apiKey
        self.batching = batching
        self.maxConnections = max(1, maxConnections)
        self.idleTimeout = idleTimeout
        self.reportedVersion = reportedVersion
        self.drainPeriod = drainPeriod
        self.publicMetrics = publicMetrics
        self.headerTimeout = max(.milliseconds(1), headerTimeout)
        self.writeTimeout = max(.milliseconds(1), writeTimeout)
    }

    /// The batcher limits, with a queue large enough for one request of the maximum row count.
    func batcherConfiguration<I, O>(_: I.Type = I.self, _: O.Type = O.self) -> DynamicBatcher<I, O>.Configuration {
        DynamicBatcher<I, O>.Configuration(
            maxBatchSize: batching.maxBatchSize, maxDelay: batching.maxDelay,
            maxQueuedRows: max(batching.maxQueuedRows, maxRowsPerRequest),
            maxConcurrentBatches: batching.maxConcurrentBatches,
            retryAfterSeconds: batching.retryAfterSeconds)
    }
}
