import MLOpsCore

extension Metrics {
    // MARK: Regression

    /// The mean of the squared errors (`mean_squared_error`).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs or a NaN or infinite
    ///   value (naming the row).
    public static func meanSquaredError(predicted: [Double], actual: [Double]) throws -> Double {
        try checkRegression(predicted, actual)
        return sumOfSquaredErrors(predicted, actual) / Double(actual.count)
    }

    /// The root of the mean squared error (`root_mean_squared_error`).
    ///
    /// - Throws: As ``meanSquaredError(predicted:actual:)``.
    public static func rootMeanSquaredError(predicted: [Double], actual: [Double]) throws -> Double {
        try meanSquaredError(predicted: predicted, actual: actual).squareRoot()
    }

    /// The mean of the absolute errors (`mean_absolute_error`).
    ///
    /// - Throws: As ``meanSquaredError(predicted:actual:)``.
    public static func meanAbsoluteError(predicted: [Double], actual: [Double]) throws -> Double {
        try checkRegression(predicted, actual)
        var sum = 0.0
        for (p, a) in zip(predicted, actual) { sum += abs(a - p) }
        return sum / Double(actual.count)
    }

    /// The coefficient of determination, 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (`r2_score`).
    ///
    /// As scikit-learn (`force_finite=True`): when the targets are constant the score is 1 if every
    /// prediction is exact and 0 otherwise.
    ///
    /// - Returns: The score, or `nil` for a single row (scikit-learn warns and returns NaN).
    /// - Throws: As ``meanSquaredError(predicted:actual:)``.
    public static func r2(predicted: [Double], actual: [Double]) throws -> Double? {
        try checkRegression(predicted, actual)
        guard actual.count >= 2 else { return nil }
        let residual = sumOfSquaredErrors(predicted, actual)
        var mean = 0.0
        for a in actual { mean += a }
        mean /= Double(actual.count)
        var total = 0.0
        for a in actual { total += (a - mean) * (a - mean) }
        if total == 0 { return residual == 0 ? 1 : 0 }
        return 1 - residual / total
    }

    private static func sumOfSquaredErrors(_ predicted: [Double], _ actual: [Double]) -> Double {
        var sum = 0.0
        for (p, a) in zip(predicted, actual) { sum += (a - p) * (a - p) }
        return sum
    }

    private static func checkRegression(_ predicted: [Double], _ actual: [Double]) throws {
        try checkPair(predicted.count, actual.count, "predictions", "targets")
        try checkFinite(predicted, name: "predictions")
        try checkFinite(actual, name: "targets")
    }
}
