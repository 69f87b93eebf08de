/// One value of a monitored series at one time — one window's drift share, AUC or p99 latency —
/// with optional evidence, as an ``AlertEngine`` receives it.
public struct MetricObservation: Sendable, Hashable {
    /// Which series.
    public var key: MetricKey
    /// The value; NaN means "no value this window" (it breaks streaks and fires nothing).
    public var value: Double
    /// When, in milliseconds since 1970 (UTC).
    public var timeMilliseconds: Int64
    /// What an alert fired or resolved by this observation stores with it.
    public var evidence: AlertEvidence

    /// An observation.
    ///
    /// - Parameters:
    ///   - key: Which series.
    ///   - value: The value.
    ///   - timeMilliseconds: When, in milliseconds since 1970.
    ///   - evidence: Evidence stored with an alert this observation fires or resolves.
    public init(_ key: MetricKey, value: Double, timeMilliseconds: Int64, evidence: AlertEvidence = AlertEvidence()) {
        self.key = key
        self.value = value
        self.timeMilliseconds = timeMilliseconds
        self.evidence = evidence
    }
}
