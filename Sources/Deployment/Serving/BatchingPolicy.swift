import MLOpsCore

/// How a served model version batches requests (dynamic batching, with Triton's knobs).
///
/// Requests wait in a bounded queue; one thread per version takes whole requests from its head,
/// concatenates their rows into one model call and splits the outputs back, in order. A batch
/// leaves the queue as soon as
/// - it holds ``maxBatchSize`` rows (or the next request would not fit),
/// - its rows add up to one of ``preferredBatchSizes`` (the largest one reachable), or
/// - its oldest request has waited ``maxQueueDelay``.
///
/// A request with more rows than ``maxBatchSize`` runs alone, as its own batch. A request still
/// queued at its deadline fails with `MLOpsError.Code.deadlineExceeded`; one that arrives when
/// ``maxQueueSize`` requests are waiting fails at once with `MLOpsError.Code.overloaded` (load
/// shedding: memory stays bounded and the caller can retry or go elsewhere).
public struct BatchingPolicy: Sendable, Hashable {
    /// The most rows in one model call.
    public var maxBatchSize: Int
    /// The longest the oldest queued request waits for others to join its batch.
    public var maxQueueDelay: Duration
    /// Batch sizes (in rows) worth dispatching at once, without waiting for ``maxQueueDelay``
    /// (e.g. sizes a model is fastest at). Empty: only a full batch leaves early.
    public var preferredBatchSizes: [Int]
    /// The most *requests* (not rows) waiting in the queue; one more is shed with `overloaded`.
    public var maxQueueSize: Int

    /// Creates a policy.
    ///
    /// - Parameters:
    ///   - maxBatchSize: The most rows per model call (default 64).
    ///   - maxQueueDelay: How long the oldest request waits for company (default 100 µs).
    ///   - preferredBatchSizes: Row counts dispatched without waiting (default none).
    ///   - maxQueueSize: The most requests waiting (default 1024).
    public init(
        maxBatchSize: Int = 64, maxQueueDelay: Duration = .microseconds(100), preferredBatchSizes: [Int] = [],
        maxQueueSize: Int = 1024
    ) {
        self.maxBatchSize = maxBatchSize
        self.maxQueueDelay = maxQueueDelay
        self.preferredBatchSizes = preferredBatchSizes
        self.maxQueueSize = maxQueueSize
    }

    /// Throws unless every knob is in range.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the knob: a batch size below 1 or above
    ///   65,536, a negative delay, a preferred size outside 1…``maxBatchSize``, a queue size below 1.
    public func validate() throws {
        guard (1...65_536).contains(maxBatchSize) else {
            throw MLOpsError(
                .invalidArgument, "maxBatchSize must be between 1 and 65536", value: String(maxBatchSize))
        }
        guard maxQueueDelay >= .zero else {
            throw MLOpsError(.invalidArgument, "maxQueueDelay must not be negative", value: "\(maxQueueDelay)")
        }
        for size in preferredBatchSizes where !(1...maxBatchSize).contains(size) {
            throw MLOpsError(
                .invalidArgument, "preferred batch sizes must be between 1 and maxBatchSize (\(maxBatchSize))",
                value: String(size))
        }
        guard maxQueueSize >= 1 else {
            throw MLOpsError(.invalidArgument, "maxQueueSize must be at least 1", value: String(maxQueueSize))
        }
    }

    /// The batch sizes a version warms up at before it takes traffic: 1, the powers of two up to
    /// ``maxBatchSize``, the preferred sizes and ``maxBatchSize``.
    var warmUpSizes: [Int] {
        var sizes: Set<Int> = [1, maxBatchSize]
        var size = 2
        while size < maxBatchSize {
            sizes.insert(size)
            size *= 2
        }
        sizes.formUnion(preferredBatchSizes)
        return sizes.sorted()
    }
}
