/// Drift over a whole table: every tested column's result and the dataset-level decision.
public struct DatasetDriftResult: Sendable, Hashable, Codable {
    /// One result per tested column, in the order tested.
    public var columns: [ColumnDriftResult]
    /// How many columns drifted.
    public var driftedCount: Int
    /// `driftedCount / columns.count`.
    public var share: Double
    /// The share at which the dataset counts as drifted (``DriftOptions/driftShare``).
    public var shareThreshold: Double
    /// Whether `share >= shareThreshold` (Evidently's dataset drift rule).
    public var isDrifted: Bool

    /// Builds the dataset-level decision from column results.
    ///
    /// - Parameters:
    ///   - columns: The column results; an empty list gives share 0 and no drift.
    ///   - shareThreshold: The drift share threshold.
    public init(columns: [ColumnDriftResult], shareThreshold: Double) {
        self.columns = columns
        self.driftedCount = columns.reduce(0) { $0 + ($1.isDrifted ? 1 : 0) }
        self.share = columns.isEmpty ? 0 : Double(driftedCount) / Double(columns.count)
        self.shareThreshold = shareThreshold
        self.isDrifted = !columns.isEmpty && share >= shareThreshold
    }

    /// The result for the column named `name`, if it was tested.
    public subscript(column name: String) -> ColumnDriftResult? {
        columns.first { $0.column == name }
    }
}
