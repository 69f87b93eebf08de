/// The drift decision for one column, with the evidence behind it.
public struct ColumnDriftResult: Sendable, Hashable, Codable {
    /// The column's name.
    public var column: String
    /// The method that was applied.
    public var method: DriftMethod
    /// The test statistic or distance: KS D, PSI, normalised Wasserstein distance, Jensen–Shannon
    /// distance, the chi-square statistic (+∞ when the current data has a category the reference lacks,
    /// as SciPy), or the signed Z statistic (reference share minus current share of values other than
    /// the smallest category).
    public var statistic: Double
    /// The p-value for ``DriftMethod/ks``, ``DriftMethod/chiSquare`` and ``DriftMethod/zTest``; `nil`
    /// for distances.
    public var pValue: Double?
    /// The threshold the decision used.
    public var threshold: Double
    /// Whether the column drifted (Evidently's rule for the method, see ``DriftMethod/isDrift(score:threshold:)``).
    public var isDrifted: Bool
    /// The kind the column was treated as.
    public var kind: ColumnKind
    /// Reference values used (missing, NaN and ±∞ excluded).
    public var referenceCount: Int
    /// Current values used (missing, NaN and ±∞ excluded).
    public var currentCount: Int
    /// For a result computed from profiles (``DriftDetector/detect(reference:current:)-(DatasetProfile,DatasetProfile)``),
    /// a bound on |``statistic`` − the statistic the raw columns would give|: 0 when both profiles' sketches
    /// are exact, `nil` when no bound is known (see that method for each method's bound and its
    /// confidence). Always `nil` for results computed from raw columns, whose statistic is exact.
    public var statisticErrorBound: Double?

    /// The value compared with ``threshold``: the p-value when the method has one, else the statistic.
    public var score: Double { pValue ?? statistic }

    /// Creates a result; ``DriftDetector`` builds these, the initialiser exists for tests and decoding.
    ///
    /// - Parameters:
    ///   - column: The column's name.
    ///   - method: The method applied.
    ///   - statistic: The statistic or distance.
    ///   - pValue: The p-value, for p-value methods.
    ///   - threshold: The threshold used.
    ///   - isDrifted: The decision.
    ///   - kind: The kind the column was treated as.
    ///   - referenceCount: Reference values used.
    ///   - currentCount: Current values used.
    ///   - statisticErrorBound: The bound on the statistic's error, for results computed from profiles.
    public init(
        column: String, method: DriftMethod, statistic: Double, pValue: Double?, threshold: Double,
        isDrifted: Bool, kind: ColumnKind, referenceCount: Int, currentCount: Int,
        statisticErrorBound: Double? = nil
    ) {
        self.column = column
        self.method = method
        self.statistic = statistic
        self.pValue = pValue
        self.threshold = threshold
        self.isDrifted = isDrifted
        self.kind = kind
        self.referenceCount = referenceCount
        self.currentCount = currentCount
        self.statisticErrorBound = statisticErrorBound
    }
}
