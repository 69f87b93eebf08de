import MLOpsCore

/// Error measures of regression predictions against targets.
public struct RegressionMetrics: Sendable, Hashable, Codable {
    /// Mean squared error.
    public let meanSquaredError: Double
    /// Root of the mean squared error.
    public var rootMeanSquaredError: Double { meanSquaredError.squareRoot() }
    /// Mean absolute error.
    public let meanAbsoluteError: Double
    /// Coefficient of determination (1 − SSres/SStot); 0 when the targets are constant.
    public let r2: Double
    /// Number of pairs.
    public let count: Int

    /// Computes the metrics.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` if the arrays are empty,
    ///   differ in length, or contain NaN.
    public init(predictions: [Double], targets: [Double]) throws {
        guard !targets.isEmpty, predictions.count == targets.count else {
            throw MLOpsError(
                .invalidArgument, "predictions and targets must be non-empty and of equal length",
                value: "\(predictions.count) vs \(targets.count)")
        }
        if let bad = targets.indices.first(where: { predictions[$0].isNaN || targets[$0].isNaN }) {
            throw MLOpsError(.invalidArgument, "NaN in predictions or targets", value: "index \(bad)")
        }
        var squared = 0.0
        var absolute = 0.0
        var mean = 0.0
        for (p, t) in zip(predictions, targets) {
            squared += (p - t) * (p - t)
            absolute += abs(p - t)
            mean += t
        }
        let n = Double(targets.count)
        mean /= n
        var total = 0.0
        for t in targets { total += (t - mean) * (t - mean) }
        meanSquaredError = squared / n
        meanAbsoluteError = absolute / n
        r2 = total == 0 ? 0 : 1 - squared / total
        count = targets.count
    }
}
