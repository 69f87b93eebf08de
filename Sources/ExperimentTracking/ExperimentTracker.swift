#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
public import MLOpsCore

/// Records experiments and runs — params, metrics, tags, datasets,
/// artifacts, environment — on a `KeyValueStore` and a
/// `BlobStore`, and answers queries over them in MLflow's terms.
///
/// ```swift
/// let tracker = ExperimentTracker(metadata: workspace.metadata, artifacts: workspace.objects)
/// try await tracker.withRun(experiment: "churn", name: "baseline") { run in
///     try await run.log(params: ["lr": "0.01", "depth": "6"])
///     for epoch in 0..<100 {
///         try await run.log(metric: "loss", value: 1.0 / Double(epoch + 1), step: Int64(epoch))
///     }
/// }
/// let best = try await tracker.bestRun(experimentIDs: [], metric: "loss", goal: .minimize)
/// ```
///
/// What a caller must know:
///
/// - **Logging never waits for the disk.** Metric points and run changes
///   (params, tags, status) go into a bounded in-memory buffer that one
///   background task per tracker writes in batched transactions. A caller
///   only waits when the buffer is full (``Options/bufferCapacity``), until
///   the writer has made room.
/// - **Durability.** A logging call that returns has *accepted* its points;
///   ``flush()``, ``close()`` and ``RunHandle/finish(status:error:)``
///   *acknowledge* them: they return only once everything logged before them
///   is committed. A process crash loses at most what was accepted since the
///   last flush. Experiment changes and artifacts are acknowledged when their
///   call returns. (The rule every module follows: see `RecordStore`.)
/// - **Errors.** Validation errors (names, limits, a param logged again with
///   another value through this process) are thrown by the logging call
///   itself. A failure of the background writer keeps the batch it could not
///   store and is thrown by the next logging call, by every flush until the
///   batch is stored, and by `close()`; the next call or flush retries it.
///   An accepted write is never dropped silently.
/// - **Lifecycle.** Call ``close()`` when done: it flushes and stops the
///   background writer.
/// - **Reads see your writes.** Every read method first waits for the
///   tracker's queued writes, so a run started through a tracker is visible
///   to that tracker's searches. Writes from other processes are visible as
///   soon as they are flushed.
/// - **Many writers.** Any number of tasks may share a tracker and its run
///   handles, and many processes may log into one SQLite workspace at once:
///   every record update is a versioned read-modify-write that retries on
///   conflict.
public final class ExperimentTracker: Sendable {
    /// How a tracker buffers and stamps what it logs.
    public struct Options: Sendable {
        /// The first part of every key the tracker writes. Default `tracking`.
        public var keyPrefix: String
        /// The most metric points and run changes held in memory (queued or being
        /// written) before logging calls wait. Default 262,144 (about 12 MB).
        public var bufferCapacity: Int
        /// The most metric points one background transaction carries. Default 100,000.
        public var maxPointsPerCommit: Int
        /// The most run changes (creations, params, tags, status…) one background
        /// transaction carries. Default 10,000.
        public var maxChangesPerCommit: Int
        /// Whether runs record the process's ``RunEnvironment`` (git, host, OS,
        /// Swift, CPU, command line). Default `true`.
        public var captureEnvironment: Bool
        /// Whether the captured environment includes the process's command line (with secrets
        /// redacted: see ``RunEnvironment/redactingSecrets(_:)``). Default `true`; `false` also
        /// when ``RunEnvironment/capturesCommandLine`` is turned off for the whole process.
        public var captureCommandLine: Bool
        /// The user recorded on runs; default `$USER` (else `$LOGNAME`, else `unknown`).
        public var user: String?
        /// Returns "now" in milliseconds since 1970, for timestamps. Default: the wall clock.
        public var clock: @Sendable () -> Int64

        /// Creates options; every parameter has the default described on its property.
        public init(
            keyPrefix: String = "tracking", bufferCapacity: Int = 262_144, maxPointsPerCommit: Int = 100_000,
            maxChangesPerCommit: Int = 10_000, captureEnvironment: Bool = true, captureCommandLine: Bool = true,
            user: String? = nil, clock: (@Sendable () -> Int64)? = nil
        ) {
            self.keyPrefix = keyPrefix
            self.bufferCapacity = bufferCapacity
            self.maxPointsPerCommit = maxPointsPerCommit
            self.maxChangesPerCommit = maxChangesPerCommit
            self.captureEnvironment = captureEnvironment
            self.captureCommandLine = captureCommandLine
            self.user = user
            self.clock = clock ?? { TrackingClock.nowMilliseconds() }
        }
    }

    /// Where experiments, runs and metrics are stored.
    public let metadata: any KeyValueStore
    /// Where artifacts are stored (under `runs/<runID>/artifacts/`).
    public let artifacts: any BlobStore
    /// The options the tracker was made with.
    public let options: Options
    let keys: TrackingKeys
    let writer: TrackingWriter
    let userName: String
    let experimentCache = ExperimentCache()
    let environmentCache = EnvironmentCache()
    let searchCache = SearchCache()
    /// The tracker's records kept through MLOpsCore's record layer (artifact digests), in its namespace.
    let records: RecordStore

    /// The owner name the tracker claims its namespace (``Options/keyPrefix``) with.
    public static let namespaceOwner = "ExperimentTracking"

    /// Creates a tracker over the given stores. Nothing is read or written until first use.
    public init(metadata: any KeyValueStore, artifacts: any BlobStore, options: Options = Options()) {
        self.metadata = metadata
        self.artifacts = artifacts
        self.options = options
        keys = TrackingKeys(prefix: options.keyPrefix)
        writer = TrackingWriter(
            store: metadata, keys: keys, capacity: options.bufferCapacity,
            maxPointsPerCommit: options.maxPointsPerCommit, maxChangesPerCommit: options.maxChangesPerCommit)
        userName = options.user ?? Self.environmentUser()
        records = RecordStore(
            checking: RecordNamespace(unvalidated: options.keyPrefix, owner: Self.namespaceOwner), on: metadata)
    }

    /// Opens a tracker over the given stores after claiming its namespace
    /// (``Options/keyPrefix``) in `metadata` for ExperimentTracking.
    ///
    /// Prefer this to ``init(metadata:artifacts:options:)`` on a store other modules share:
    /// it refuses a prefix another module already claimed.
    ///
    /// - Throws: `MLOpsError` `conflict` if another owner claimed the namespace; whatever the
    ///   store throws.
    public static func open(
        metadata: any KeyValueStore, artifacts: any BlobStore, options: Options = Options()
    ) async throws -> ExperimentTracker {
        let tracker = ExperimentTracker(metadata: metadata, artifacts: artifacts, options: options)
        try await RecordStore.claim(tracker.records.namespace, in: metadata)
        return tracker
    }

    /// Returns when everything logged through this tracker before the call is
    /// durable in the store.
    ///
    /// - Throws: The first background write failure not reported yet.
    public func flush() async throws {
        try await writer.flush()
    }

    /// Stores everything logged through this tracker, then stops its background writer and
    /// refuses further logging (`MLOpsError.Code.invalidState`).
    ///
    /// Reads keep working after `close()`. A tracker that is released without being closed
    /// still stores what it accepted: its writer finishes the queue first.
    ///
    /// - Throws: As ``flush()``. A batch that still cannot be stored stays kept; call `close()`
    ///   again once the store works.
    public func close() async throws {
        try await writer.close()
    }

    /// The largest number of points and run changes the buffer has held at once.
    public var peakBufferedCount: Int { writer.peakBuffered }

    /// "Now" by the tracker's clock.
    var now: Int64 { options.clock() }

    private static func environmentUser() -> String {
        for name in ["USER", "LOGNAME"] {
            if let text = Platform.environmentValue(name), !text.isEmpty { return text }
        }
        return "unknown"
    }
}
