import MLOpsCore

extension Metrics {
    // MARK: Regression

    /// The mean of the squared errors (`mean_squared_error`).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs or a NaN or infinite
    ///   value (naming the row).
    public static func meanSquaredError(predicted: [Double], actual: [Double]) throws -> Double {
        try MetricKernels.meanSquaredError(predicted: predicted, actual: actual)
    }

    /// The root of the mean squared error (`root_mean_squared_error`).
    ///
    /// - Throws: As ``meanSquaredError(predicted:actual:)``.
    public static func rootMeanSquaredError(predicted: [Double], actual: [Double]) throws -> Double {
        try MetricKernels.rootMeanSquaredError(predicted: predicted, actual: actual)
    }

    /// The mean of the absolute errors (`mean_absolute_error`).
    ///
    /// - Throws: As ``meanSquaredError(predicted:actual:)``.
    public static func meanAbsoluteError(predicted: [Double], actual: [Double]) throws -> Double {
        try MetricKernels.meanAbsoluteError(predicted: predicted, actual: actual)
    }

    /// The coefficient of determination, 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (`r2_score`).
    ///
    /// As scikit-learn (`force_finite=True`): when the targets are constant the score is 1 if every
    /// prediction is exact and 0 otherwise.
    ///
    /// - Returns: The score, or `nil` for a single row (scikit-learn warns and returns NaN).
    /// - Throws: As ``meanSquaredError(predicted:actual:)``.
    public static func r2(predicted: [Double], actual: [Double]) throws -> Double? {
        try MetricKernels.r2(predicted: predicted, actual: actual)
    }
}
