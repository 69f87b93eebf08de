/// A snapshot of a ``ModelServer``'s metrics: per model version, every counter since the version
/// was first deployed (they survive unloading, as Prometheus counters must).
public struct ServingMetrics: Sendable, Hashable {
    /// One entry per model version ever deployed, by model name then version.
    public var versions: [Version]
    /// Automatic rollbacks so far, by model name.
    public var rollbacks: [String: Int]
    /// Requests that failed before a version was chosen (an unknown model or version), by error
    /// code.
    public var unroutedErrors: [String: Int]

    /// Creates a snapshot.
    public init(versions: [Version], rollbacks: [String: Int] = [:], unroutedErrors: [String: Int] = [:]) {
        self.versions = versions
        self.rollbacks = rollbacks
        self.unroutedErrors = unroutedErrors
    }

    /// The metrics of `model` version `version`, if it was ever deployed.
    public func version(_ model: String, _ version: Int) -> Version? {
        versions.first { $0.model == model && $0.version == version }
    }

    /// The metrics of one model version.
    public struct Version: Sendable, Hashable {
        /// The model's name.
        public var model: String
        /// The version.
        public var version: Int
        /// Whether the version is still loaded (not yet unloaded after a swap or `undeploy`).
        public var isLoaded: Bool
        /// Requests this version answered or failed (shadow copies included).
        public var requests: Int
        /// Requests answered (possibly with row errors).
        public var successes: Int
        /// Failed requests by `MLOpsError.Code` raw value (`overloaded`, `invalid_argument`, …).
        public var errors: [String: Int]
        /// Rows reported as ``RowError``s.
        public var rowErrors: Int
        /// Model calls made (one per batch; one per request without batching).
        public var batches: Int
        /// Rows passed to the model in all calls.
        public var batchedRows: Int
        /// Model calls by batch size: counts for at most 1, 2, 4, … 4096 rows
        /// (``batchSizeBounds``), then one for larger batches.
        public var batchSizeBuckets: [Int]
        /// Requests waiting in the batching queue when the snapshot was taken.
        public var queueDepth: Int
        /// The most requests that waited at once.
        public var maxQueueDepth: Int
        /// The end-to-end latency of requests (queueing included).
        public var latency: LatencyHistogram
        /// Shadow answers compared with the answer returned to the caller.
        public var shadowComparisons: Int
        /// Shadow answers whose outputs differed from the returned ones.
        public var shadowMismatches: Int
        /// Shadow requests that failed (never seen by callers).
        public var shadowErrors: Int
        /// Shadow requests not run because too many were already running
        /// (``ModelServer/Options/maxShadowRequestsInFlight``).
        public var shadowSkipped: Int

        /// The upper bounds of ``batchSizeBuckets`` (1, 2, 4, … 4096).
        public static var batchSizeBounds: [Int] { MetricsRecorder.batchBounds }

        /// All failed requests.
        public var errorCount: Int { errors.values.reduce(0, +) }

        /// The mean rows per model call; `nil` before the first call.
        public var meanBatchSize: Double? { batches > 0 ? Double(batchedRows) / Double(batches) : nil }

        /// Creates metrics for a version.
        public init(
            model: String, version: Int, isLoaded: Bool, requests: Int, successes: Int, errors: [String: Int],
            rowErrors: Int, batches: Int, batchedRows: Int, batchSizeBuckets: [Int], queueDepth: Int,
            maxQueueDepth: Int, latency: LatencyHistogram, shadowComparisons: Int, shadowMismatches: Int,
            shadowErrors: Int, shadowSkipped: Int
        ) {
            self.model = model
            self.version = version
            self.isLoaded = isLoaded
            self.requests = requests
            self.successes = successes
            self.errors = errors
            self.rowErrors = rowErrors
            self.batches = batches
            self.batchedRows = batchedRows
            self.batchSizeBuckets = batchSizeBuckets
            self.queueDepth = queueDepth
            self.maxQueueDepth = maxQueueDepth
            self.latency = latency
            self.shadowComparisons = shadowComparisons
            self.shadowMismatches = shadowMismatches
            self.shadowErrors = shadowErrors
            self.shadowSkipped = shadowSkipped
        }
    }
}
