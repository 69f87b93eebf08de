package import MLOpsCore

extension MonitoringReport {
    /// One column's drift test: what was tested, how, the statistic and the decision.
    public struct DriftRow: Sendable, Hashable, Codable {
        /// The column's name.
        public var column: String
        /// The column's kind as tested, e.g. `numerical` or `categorical`.
        public var kind: String
        /// The test, e.g. `ks`, `psi`, `wasserstein`.
        public var method: String
        /// The test statistic or distance.
        public var statistic: Double
        /// The p-value, for tests that have one.
        public var pValue: Double?
        /// The threshold the decision used (on the p-value or the statistic, as the method does).
        public var threshold: Double
        /// Whether the column drifted.
        public var isDrifted: Bool

        /// A row.
        ///
        /// - Parameters:
        ///   - column: The column's name.
        ///   - kind: The column's kind as tested.
        ///   - method: The test's name.
        ///   - statistic: The statistic or distance.
        ///   - pValue: The p-value, if the test has one.
        ///   - threshold: The decision's threshold.
        ///   - isDrifted: The decision.
        public init(
            column: String, kind: String, method: String, statistic: Double, pValue: Double? = nil, threshold: Double,
            isDrifted: Bool
        ) {
            self.column = column
            self.kind = kind
            self.method = method
            self.statistic = statistic
            self.pValue = pValue
            self.threshold = threshold
            self.isDrifted = isDrifted
        }
    }
}

extension MonitoringReport.DriftRow {
    /// Appends the row as one JSON object: `column`, `kind`, `method`, `statistic`, `p_value`
    /// (`null` when the method has none), `threshold`, `drift`; non-finite numbers as `null`.
    package func writeJSON(into out: inout JSONWriter) {
        out.raw("{\"column\":")
        out.string(column)
        out.raw(",\"kind\":")
        out.string(kind)
        out.raw(",\"method\":")
        out.string(method)
        out.raw(",\"statistic\":")
        out.double(statistic)
        out.raw(",\"p_value\":")
        if let pValue { out.double(pValue) } else { out.raw("null") }
        out.raw(",\"threshold\":")
        out.double(threshold)
        out.raw(",\"drift\":")
        out.bool(isDrifted)
        out.raw("}")
    }
}
