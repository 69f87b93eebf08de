import MLOpsCore
import Synchronization

/// The live metrics of one served model version: atomic counters that requests and batches add
/// to, read by ``ServingMetrics`` snapshots and the Prometheus rendering.
///
/// Recording a request is a handful of relaxed atomic adds; an error code outside
/// ``knownCodes`` (rare) takes a lock.
final class MetricsRecorder: Sendable {
    /// The model's name.
    let model: String
    /// The version.
    let version: Int

    private let counters: AtomicCounters
    private let otherErrors = Mutex<[String: Int]>([:])

    // Counter slots.
    private static let requests = 0
    private static let successes = 1
    private static let rowErrors = 2
    private static let queueDepth = 3
    private static let maxQueueDepth = 4
    private static let batches = 5
    private static let batchRows = 6
    private static let latencySum = 7
    private static let shadowComparisons = 8
    private static let shadowMismatches = 9
    private static let shadowErrors = 10
    private static let shadowSkipped = 11
    private static let errorBase = 12
    /// The error codes counted without a lock, in slot order.
    static let knownCodes: [MLOpsError.Code] = [
        .invalidArgument, .notFound, .overloaded, .deadlineExceeded, .unavailable, .limitExceeded,
        .unsupported, .invalidState,
    ]
    private static let batchBase = errorBase + knownCodes.count
    /// Upper bounds of the batch-size buckets: 1, 2, 4, … 4096 rows (and a bucket past them).
    static let batchBounds: [Int] = (0...12).map { 1 << $0 }
    private static let latencyBase = batchBase + batchBounds.count + 1
    private static let slotCount = latencyBase + LatencyHistogram.bucketCount

    /// Creates zeroed metrics for `model` version `version`.
    init(model: String, version: Int) {
        self.model = model
        self.version = version
        counters = AtomicCounters(Self.slotCount)
    }

    /// Records a request that completed (with or without row errors) after `nanoseconds`.
    @inline(__always)
    func recordSuccess(nanoseconds: Int, rowErrors: Int) {
        counters.add(Self.requests)
        counters.add(Self.successes)
        if rowErrors > 0 { counters.add(Self.rowErrors, rowErrors) }
        recordLatency(nanoseconds)
    }

    /// Records a request that failed with `code` after `nanoseconds`.
    func recordFailure(_ code: MLOpsError.Code, nanoseconds: Int) {
        counters.add(Self.requests)
        recordLatency(nanoseconds)
        if let index = Self.knownCodes.firstIndex(of: code) {
            counters.add(Self.errorBase + index)
        } else {
            otherErrors.withLock { $0[code.rawValue, default: 0] += 1 }
        }
    }

    @inline(__always)
    private func recordLatency(_ nanoseconds: Int) {
        counters.add(Self.latencySum, nanoseconds)
        counters.add(Self.latencyBase + LatencyHistogram.bucket(nanoseconds: nanoseconds))
    }

    /// Records one model call of `rows` rows.
    func recordBatch(rows: Int) {
        counters.add(Self.batches)
        counters.add(Self.batchRows, rows)
        var bucket = Self.batchBounds.count
        for (index, bound) in Self.batchBounds.enumerated() where rows <= bound {
            bucket = index
            break
        }
        counters.add(Self.batchBase + bucket)
    }

    /// Sets the number of requests waiting in the batching queue.
    func setQueueDepth(_ depth: Int) {
        counters.store(Self.queueDepth, depth)
        counters.raise(Self.maxQueueDepth, to: depth)
    }

    /// Records a shadow comparison: whether the shadow's outputs matched the returned ones.
    func recordShadow(matched: Bool) {
        counters.add(Self.shadowComparisons)
        if !matched { counters.add(Self.shadowMismatches) }
    }

    /// Records a shadow request that failed.
    func recordShadowError() { counters.add(Self.shadowErrors) }

    /// Records a shadow request skipped because too many were running.
    func recordShadowSkipped() { counters.add(Self.shadowSkipped) }

    /// A snapshot of the counters.
    func snapshot(isLoaded: Bool) -> ServingMetrics.Version {
        var errors: [String: Int] = otherErrors.withLock { $0 }
        for (index, code) in Self.knownCodes.enumerated() {
            let value = counters.load(Self.errorBase + index)
            if value > 0 { errors[code.rawValue] = value }
        }
        let latency = LatencyHistogram(
            counts: counters.load(Self.latencyBase..<(Self.latencyBase + LatencyHistogram.bucketCount)),
            sumNanoseconds: counters.load(Self.latencySum))
        return ServingMetrics.Version(
            model: model, version: version, isLoaded: isLoaded, requests: counters.load(Self.requests),
            successes: counters.load(Self.successes), errors: errors, rowErrors: counters.load(Self.rowErrors),
            batches: counters.load(Self.batches), batchedRows: counters.load(Self.batchRows),
            batchSizeBuckets: counters.load(Self.batchBase..<(Self.batchBase + Self.batchBounds.count + 1)),
            queueDepth: counters.load(Self.queueDepth), maxQueueDepth: counters.load(Self.maxQueueDepth),
            latency: latency, shadowComparisons: counters.load(Self.shadowComparisons),
            shadowMismatches: counters.load(Self.shadowMismatches), shadowErrors: counters.load(Self.shadowErrors),
            shadowSkipped: counters.load(Self.shadowSkipped))
    }
}
