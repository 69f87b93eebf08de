import MLOpsCore

/// Error measures of regression predictions against targets.
///
/// A summary of the regression ``Metrics`` functions; ``Evaluation`` gives them keyed by name.
public struct RegressionMetrics: Sendable, Hashable, Codable {
    /// Mean squared error (`mean_squared_error`).
    public let meanSquaredError: Double
    /// Root of the mean squared error (`root_mean_squared_error`).
    public var rootMeanSquaredError: Double { meanSquaredError.squareRoot() }
    /// Mean absolute error (`mean_absolute_error`).
    public let meanAbsoluteError: Double
    /// Coefficient of determination, 1 − SSres/SStot (`r2_score`). When the targets are constant:
    /// 1 if every prediction is exact, else 0; NaN for a single pair (as scikit-learn).
    public let r2: Double
    /// Number of pairs.
    public let count: Int

    /// Computes the metrics.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` if the arrays are empty,
    ///   differ in length, or contain NaN or an infinity.
    public init(predictions: [Double], targets: [Double]) throws {
        meanSquaredError = try Metrics.meanSquaredError(predicted: predictions, actual: targets)
        meanAbsoluteError = try Metrics.meanAbsoluteError(predicted: predictions, actual: targets)
        r2 = try Metrics.r2(predicted: predictions, actual: targets) ?? .nan
        count = targets.count
    }
}
