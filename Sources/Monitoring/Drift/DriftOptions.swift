/// Dataset-wide choices for ``DriftDetector``: which columns, which methods and thresholds, and the share
/// of drifted columns that makes the dataset drifted.
///
/// Precedence for a column's method: its ``ColumnDriftOptions/method``, then ``numericalMethod`` or
/// ``categoricalMethod`` for its kind, then ``method``, then Evidently's default rule. For the threshold:
/// its ``ColumnDriftOptions/threshold``, then ``threshold``, then the chosen method's
/// ``DriftMethod/defaultThreshold``.
///
/// Evidently's default rule (`_get_default_stattest`), with n_unique counted over the non-missing values
/// of reference ∪ current and the reference's non-missing row count:
/// - reference ≤ 1,000 rows: numerical with n_unique > 5 → ``DriftMethod/ks``; otherwise (and for
///   categorical columns) ``DriftMethod/chiSquare`` if n_unique > 2, else ``DriftMethod/zTest``;
/// - reference > 1,000 rows: numerical with n_unique > 5 → ``DriftMethod/wasserstein``; otherwise (and
///   for categorical columns) ``DriftMethod/jensenShannon``.
public struct DriftOptions: Sendable, Hashable, Codable {
    /// The columns to test, in this order; `nil` tests every column of the reference table.
    public var columns: [String]?
    /// The method for every column, unless a more specific choice applies.
    public var method: DriftMethod?
    /// The method for numerical columns.
    public var numericalMethod: DriftMethod?
    /// The method for categorical columns.
    public var categoricalMethod: DriftMethod?
    /// The threshold for every column, unless the column's options give one.
    public var threshold: Double?
    /// Per-column overrides by column name.
    public var perColumn: [String: ColumnDriftOptions]
    /// The dataset drifts when the share of drifted columns is at least this (Evidently's
    /// `drift_share`, default 0.5).
    public var driftShare: Double

    /// Creates options; the defaults reproduce Evidently's `DataDriftPreset()`.
    ///
    /// - Parameters:
    ///   - columns: The columns to test, or `nil` for every reference column.
    ///   - method: The method for every column.
    ///   - numericalMethod: The method for numerical columns.
    ///   - categoricalMethod: The method for categorical columns.
    ///   - threshold: The threshold for every column.
    ///   - perColumn: Per-column overrides by name.
    ///   - driftShare: The share of drifted columns at which the dataset drifts.
    public init(
        columns: [String]? = nil,
        method: DriftMethod? = nil,
        numericalMethod: DriftMethod? = nil,
        categoricalMethod: DriftMethod? = nil,
        threshold: Double? = nil,
        perColumn: [String: ColumnDriftOptions] = [:],
        driftShare: Double = 0.5
    ) {
        self.columns = columns
        self.method = method
        self.numericalMethod = numericalMethod
        self.categoricalMethod = categoricalMethod
        self.threshold = threshold
        self.perColumn = perColumn
        self.driftShare = driftShare
    }
}
