/// What kind of model a performance window measures, and so which metrics it computes.
public enum PerformanceTask: Sendable, Hashable, Codable {
    /// A binary classifier: accuracy (of the predicted label, or of score ≥ `threshold` when a
    /// prediction has no label), ROC AUC and log loss of the score (the probability of class 1).
    case binaryClassification(threshold: Double)
    /// A regression model: RMSE and MAE of the predicted value.
    case regression
}
