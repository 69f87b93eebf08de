extension MonitoringReport {
    /// The dataset-level drift decision: the share of drifted columns against a threshold.
    public struct DatasetDrift: Sendable, Hashable, Codable {
        /// How many columns drifted.
        public var driftedColumns: Int
        /// How many columns were tested.
        public var columns: Int
        /// The share of drifted columns, 0 to 1.
        public var share: Double
        /// The share at or above which the dataset counts as drifted.
        public var shareThreshold: Double
        /// Whether the dataset drifted.
        public var isDrifted: Bool

        /// A dataset-level result.
        ///
        /// - Parameters:
        ///   - driftedColumns: How many columns drifted.
        ///   - columns: How many columns were tested.
        ///   - share: The share of drifted columns.
        ///   - shareThreshold: The share at or above which the dataset counts as drifted.
        ///   - isDrifted: The decision.
        public init(driftedColumns: Int, columns: Int, share: Double, shareThreshold: Double, isDrifted: Bool) {
            self.driftedColumns = driftedColumns
            self.columns = columns
            self.share = share
            self.shareThreshold = shareThreshold
            self.isDrifted = isDrifted
        }
    }
}
