import MLOpsCore

extension Metrics {
    // MARK: Ranking

    /// The area under the ROC curve of `scores` for class 1 (`roc_auc_score` on binary labels).
    ///
    /// As scikit-learn: the curve has a point per distinct score (tied scores form one step, so
    /// ties count half), intermediate collinear points are dropped (`drop_intermediate=True`), and
    /// the area is the trapezoidal rule over false-positive rate against true-positive rate.
    ///
    /// - Parameters:
    ///   - scores: A score per row; higher means more likely class 1 (a probability or any finite
    ///     decision value).
    ///   - actual: The true class of each row, 0 or 1.
    /// - Returns: The area, or `nil` when `actual` holds a single class (scikit-learn warns and
    ///   returns NaN).
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, a label other than 0 or
    ///   1, or a NaN or infinite score (naming the row).
    public static func rocAUC(scores: [Double], actual: [Int]) throws -> Double? {
        try MetricKernels.rocAUC(scores: scores, actual: actual)
    }

    /// The one-vs-rest ROC AUC of multiclass probabilities, macro-averaged
    /// (`roc_auc_score(multi_class='ovr', average='macro', labels=range(classCount))`).
    ///
    /// The mean over classes `k` of the binary ROC AUC of column `k` for "class is `k`".
    ///
    /// - Parameters:
    ///   - probabilities: `classCount` probabilities per row, row-major; each row must sum to 1
    ///     within scikit-learn's `np.allclose` tolerance (|1 − sum| ≤ 1e-8 + 1e-5·sum).
    ///   - classCount: The number of classes (at least 2).
    ///   - actual: The true class of each row, in `0..<classCount`.
    /// - Returns: The mean, or `nil` when a class does not occur in `actual` (its AUC is undefined;
    ///   scikit-learn warns and returns NaN).
    /// - Throws: `MLOpsError` `invalidArgument` for a count that is not `classCount` per row of
    ///   `actual`, a class outside `0..<classCount`, or a probability that is NaN, outside [0, 1], or
    ///   in a row that does not sum to 1 (naming the row).
    public static func rocAUC(probabilities: [Double], classCount: Int, actual: [Int]) throws -> Double? {
        try MetricKernels.rocAUC(probabilities: probabilities, classCount: classCount, actual: actual)
    }

    /// Average precision of `scores` for class 1 (`average_precision_score`): the precision at each
    /// distinct score threshold (highest first) weighted by the increase in recall from the
    /// previous threshold, Σₙ (Rₙ − Rₙ₋₁) Pₙ — the step integral of the precision-recall curve,
    /// without interpolation.
    ///
    /// - Parameters:
    ///   - scores: A score per row; higher means more likely class 1.
    ///   - actual: The true class of each row, 0 or 1.
    /// - Returns: The average precision; 0 when no row is of class 1 (as scikit-learn, which warns).
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, a label other than 0 or
    ///   1, or a NaN or infinite score (naming the row).
    public static func averagePrecision(scores: [Double], actual: [Int]) throws -> Double {
        try MetricKernels.averagePrecision(scores: scores, actual: actual)
    }

    // MARK: Checks of probability matrices

    /// Throws unless `probabilities` holds `classCount` values in [0, 1] per row of `actual` and
    /// `actual` holds classes of `0..<classCount`.
    static func checkMatrix(_ probabilities: [Double], classCount: Int, actual: [Int]) throws {
        try MetricKernels.checkMatrix(probabilities, classCount: classCount, actual: actual)
    }

    /// Throws naming the first row whose probabilities do not sum to 1 within `np.allclose`'s
    /// tolerance (|1 − sum| ≤ 1e-8 + 1e-5·|sum|).
    static func checkRowSums(_ probabilities: [Double], classCount: Int) throws {
        try MetricKernels.checkRowSums(probabilities, classCount: classCount)
    }
}
