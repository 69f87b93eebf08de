/// The metrics of one performance window; a metric is `nil` when the window cannot define it.
///
/// An empty window has every metric `nil`. ROC AUC is `nil` when the window holds a single class;
/// log loss is `nil` when a score lies outside [0, 1] (a decision value, not a probability).
public struct WindowMetrics: Sendable, Hashable, Codable {
    /// The share of rows whose predicted class is the true class (classification).
    public var accuracy: Double?
    /// The area under the ROC curve of the scores (binary classification).
    public var rocAUC: Double?
    /// The binary log loss of the scores (binary classification).
    public var logLoss: Double?
    /// The root mean squared error (regression).
    public var rootMeanSquaredError: Double?
    /// The mean absolute error (regression).
    public var meanAbsoluteError: Double?

    /// Metrics with the given values; all `nil` by default.
    public init(
        accuracy: Double? = nil, rocAUC: Double? = nil, logLoss: Double? = nil, rootMeanSquaredError: Double? = nil,
        meanAbsoluteError: Double? = nil
    ) {
        self.accuracy = accuracy
        self.rocAUC = rocAUC
        self.logLoss = logLoss
        self.rootMeanSquaredError = rootMeanSquaredError
        self.meanAbsoluteError = meanAbsoluteError
    }
}
