extension MonitoringReport {
    /// One alert as the report lists it.
    public struct AlertRow: Sendable, Hashable, Codable {
        /// The rule's name.
        public var rule: String
        /// The alert's state, e.g. `firing` or `resolved`.
        public var state: String
        /// The severity, e.g. `warning`.
        public var severity: String
        /// The series, e.g. `column_psi{column="x0"}`.
        public var metric: String
        /// The value that fired it.
        public var value: Double
        /// When it fired, in milliseconds since 1970 (UTC).
        public var timeMilliseconds: Int64
        /// Evidence key/values.
        public var evidence: [String: String]

        /// A row.
        ///
        /// - Parameters:
        ///   - rule: The rule's name.
        ///   - state: The alert's state.
        ///   - severity: The severity.
        ///   - metric: The series.
        ///   - value: The value that fired it.
        ///   - timeMilliseconds: When it fired.
        ///   - evidence: Evidence key/values.
        public init(
            rule: String, state: String, severity: String = "", metric: String = "", value: Double,
            timeMilliseconds: Int64, evidence: [String: String] = [:]
        ) {
            self.rule = rule
            self.state = state
            self.severity = severity
            self.metric = metric
            self.value = value
            self.timeMilliseconds = timeMilliseconds
            self.evidence = evidence
        }

        /// The row of a stored alert (its firing value, time and evidence attributes).
        public init(_ alert: Alert) {
            self.init(
                rule: alert.rule, state: alert.state.rawValue, severity: alert.severity.rawValue,
                metric: alert.metric.description, value: alert.value, timeMilliseconds: alert.firedMilliseconds,
                evidence: alert.evidence.attributes)
        }
    }
}
