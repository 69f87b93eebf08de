import MLOpsCore

extension Metrics {
    // MARK: Probabilities

    /// The clipping bound of ``logLoss(probabilities:classCount:actual:)``: the machine epsilon of
    /// `Double`, 2⁻⁵² ≈ 2.22e-16.
    ///
    /// scikit-learn ≥ 1.5 (checked against 1.9.1) clips probabilities to [eps, 1 − eps] with
    /// `eps = np.finfo(y_proba.dtype).eps`, the epsilon of the input's float type, instead of the
    /// fixed 1e-15 of earlier releases.
    public static let logLossEpsilon = MetricKernels.logLossEpsilon

    /// The mean negative log-likelihood (natural logarithm) of the true class (`log_loss` with
    /// `labels=range(classCount)`).
    ///
    /// Each probability is clipped to [``logLossEpsilon``, 1 − ``logLossEpsilon``] first, as
    /// scikit-learn 1.9 does; rows are not renormalised (scikit-learn only warns when a row does not
    /// sum to 1, and neither is checked here).
    ///
    /// - Parameters:
    ///   - probabilities: `classCount` probabilities per row, row-major.
    ///   - classCount: The number of classes (at least 2).
    ///   - actual: The true class of each row, in `0..<classCount`.
    /// - Throws: `MLOpsError` `invalidArgument` for a count that is not `classCount` per row of
    ///   `actual`, a class outside `0..<classCount`, or a probability that is NaN or outside [0, 1]
    ///   (naming the row).
    public static func logLoss(probabilities: [Double], classCount: Int, actual: [Int]) throws -> Double {
        try MetricKernels.logLoss(probabilities: probabilities, classCount: classCount, actual: actual)
    }

    /// The binary log loss of the probabilities of class 1 (`log_loss` with a 1-D `y_proba`): the
    /// mean of −ln p for rows of class 1 and −ln(1 − p) for rows of class 0, with p and 1 − p
    /// clipped to [``logLossEpsilon``, 1 − ``logLossEpsilon``].
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, a label other than 0 or
    ///   1, or a probability that is NaN or outside [0, 1] (naming the row).
    public static func logLoss(positiveProbabilities: [Double], actual: [Int]) throws -> Double {
        try MetricKernels.logLoss(positiveProbabilities: positiveProbabilities, actual: actual)
    }

    /// The Brier score of the probabilities of class 1 (`brier_score_loss` on binary labels): the
    /// mean of (p − y)².
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, a label other than 0 or
    ///   1, or a probability that is NaN or outside [0, 1] (naming the row).
    public static func brierScore(positiveProbabilities: [Double], actual: [Int]) throws -> Double {
        try MetricKernels.brierScore(positiveProbabilities: positiveProbabilities, actual: actual)
    }
}
