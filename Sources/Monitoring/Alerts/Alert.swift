/// A stored alert: which rule fired for which series, when, on which value and evidence, and
/// when and how it resolved.
///
/// Alerts are kept in the `monitoring` namespace (``MonitoringStore``) and survive restarts.
/// IDs are MLOpsCore `SortableID` texts, so listing in ID order lists by firing time.
public struct Alert: Sendable, Hashable, Codable, Identifiable {
    /// The alert's ID (26 characters, sorting by firing time).
    public var id: String
    /// The rule's name.
    public var rule: String
    /// The rule's severity when it fired.
    public var severity: AlertSeverity
    /// The series it concerns.
    public var metric: MetricKey
    /// The rule's comparison when it fired.
    public var comparison: AlertComparison
    /// The rule's threshold when it fired.
    public var threshold: Double
    /// The rule's clear threshold when it fired.
    public var clearThreshold: Double
    /// Firing or resolved.
    public var state: AlertState
    /// When it fired, in milliseconds since 1970 (the firing observation's time).
    public var firedMilliseconds: Int64
    /// The value that fired it.
    public var value: Double
    /// The evidence of the observation that fired it.
    public var evidence: AlertEvidence
    /// When it resolved, if it did.
    public var resolvedMilliseconds: Int64?
    /// The value that resolved it, if it did.
    public var resolvedValue: Double?
    /// The evidence of the observation that resolved it, if it did.
    public var resolvedEvidence: AlertEvidence?
    /// Actions that failed to deliver its events.
    public var deliveryFailures: [AlertDeliveryFailure]
    /// 1 when fired, 2 once resolved: a stored alert is never replaced by an older revision.
    public var revision: Int

    /// An alert.
    ///
    /// - Parameters:
    ///   - id: The alert's ID.
    ///   - rule: The rule that fired.
    ///   - metric: The series it concerns.
    ///   - value: The value that fired it.
    ///   - firedMilliseconds: When it fired.
    ///   - evidence: The firing observation's evidence.
    public init(
        id: String, rule: AlertRule, metric: MetricKey, value: Double, firedMilliseconds: Int64,
        evidence: AlertEvidence
    ) {
        self.id = id
        self.rule = rule.name
        self.severity = rule.severity
        self.metric = metric
        self.comparison = rule.comparison
        self.threshold = rule.threshold
        self.clearThreshold = rule.clearThreshold
        self.state = .firing
        self.firedMilliseconds = firedMilliseconds
        self.value = value
        self.evidence = evidence
        self.deliveryFailures = []
        self.revision = 1
    }
}
