/// When a ``TrafficPolicy`` is rolled back automatically: the challenger's error rate or tail
/// latency over its requests since the policy was set.
///
/// Once the challenger has served ``minimumRequests`` requests (shadow copies included), the
/// server routes everything back to the stable version as soon as either threshold is crossed,
/// records a ``ServingEvent`` of kind ``ServingEvent/Kind/rolledBack`` and counts it in
/// ``ServingMetrics/rollbacks``. Errors that are the caller's fault (`invalidArgument`,
/// `notFound`) do not count; `overloaded`, `deadlineExceeded` and model failures do.
public struct RollbackPolicy: Sendable, Hashable {
    /// The highest tolerated fraction of failed challenger requests (0…1), or `nil` to ignore
    /// errors.
    public var maxErrorRate: Double?
    /// The highest tolerated 99th-percentile challenger latency, or `nil` to ignore latency.
    public var maxP99Latency: Duration?
    /// Challenger requests needed before either threshold is judged.
    public var minimumRequests: Int

    /// Creates a rollback rule.
    public init(maxErrorRate: Double? = nil, maxP99Latency: Duration? = nil, minimumRequests: Int = 100) {
        self.maxErrorRate = maxErrorRate
        self.maxP99Latency = maxP99Latency
        self.minimumRequests = minimumRequests
    }
}
