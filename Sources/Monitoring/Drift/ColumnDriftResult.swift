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
    public var kind: DriftColumnKind
    /// Reference values used (missing, NaN and ±∞ excluded).
    public var referenceCount: Int
    /// Current values used (missing, NaN and ±∞ excluded).
    public var currentCount: Int

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
    public init(
        column: String, method: DriftMethod, statistic: Double, pValue: Double?, threshold: Double,
        isDrifted: Bool, kind: DriftColumnKind, referenceCount: Int, currentCount: Int
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
    }
}
