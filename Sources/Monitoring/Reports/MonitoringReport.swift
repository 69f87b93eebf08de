/// The input of the report renderer: plain values a host fills in from its drift results,
/// profiles, metric windows and alerts — nothing here computes anything.
///
/// Render it with ``ReportRenderer``: ``ReportRenderer/html(_:)`` for a self-contained page,
/// ``ReportRenderer/json(_:)`` for a machine-readable copy. Every section may be empty; values
/// may be NaN or infinite (they are shown as such, never break a chart).
public struct MonitoringReport: Sendable, Hashable, Codable {
    /// The page's title.
    public var title: String
    /// When the report was made, in milliseconds since 1970 (UTC).
    public var generatedMilliseconds: Int64
    /// The dataset-level drift decision, if drift was tested.
    public var datasetDrift: DatasetDrift?
    /// One row per tested column.
    public var drift: [DriftRow]
    /// Reference and current distributions of columns.
    public var distributions: [Distribution]
    /// Metric timelines.
    public var timelines: [Timeline]
    /// Alerts to list.
    public var alerts: [AlertRow]

    /// A report.
    ///
    /// - Parameters:
    ///   - title: The page's title.
    ///   - generatedMilliseconds: When it was made, in milliseconds since 1970.
    ///   - datasetDrift: The dataset-level drift decision.
    ///   - drift: One row per tested column.
    ///   - distributions: Reference and current distributions.
    ///   - timelines: Metric timelines.
    ///   - alerts: Alerts to list.
    public init(
        title: String, generatedMilliseconds: Int64, datasetDrift: DatasetDrift? = nil, drift: [DriftRow] = [],
        distributions: [Distribution] = [], timelines: [Timeline] = [], alerts: [AlertRow] = []
    ) {
        self.title = title
        self.generatedMilliseconds = generatedMilliseconds
        self.datasetDrift = datasetDrift
        self.drift = drift
        self.distributions = distributions
        self.timelines = timelines
        self.alerts = alerts
    }
}
