/// One window of ``PerformanceWindows``: where it lies, how many rows it measured and the
/// metrics.
public struct PerformanceWindow: Sendable, Hashable, Codable {
    /// The window's first millisecond (time windows) or the timestamp of its first prediction
    /// (count windows).
    public var startMilliseconds: Int64
    /// One past the window's last millisecond (time windows) or the timestamp of its last
    /// prediction plus one (count windows).
    public var endMilliseconds: Int64
    /// The labelled predictions the metrics were computed on.
    public var count: Int
    /// Labelled predictions in the window that could not be scored (no usable output for the
    /// task, such as a classifier row without a score or label); not part of ``count``.
    public var skippedCount: Int
    /// The metrics; all `nil` for an empty window.
    public var metrics: WindowMetrics

    /// A window with the given values.
    public init(
        startMilliseconds: Int64, endMilliseconds: Int64, count: Int, skippedCount: Int, metrics: WindowMetrics
    ) {
        self.startMilliseconds = startMilliseconds
        self.endMilliseconds = endMilliseconds
        self.count = count
        self.skippedCount = skippedCount
        self.metrics = metrics
    }
}
