/// Precision, recall and F1 score, averaged over classes as a ``MetricAverage`` says.
///
/// Computed as scikit-learn's `precision_recall_fscore_support` with its default
/// `zero_division="warn"`: a score whose denominator is zero counts as 0. Per class, with `tp`,
/// `fp`, `fn` the true positives, false positives and false negatives: precision = tp / (tp + fp),
/// recall = tp / (tp + fn), F1 = 2·tp / (2·tp + fp + fn).
public struct PrecisionRecallF1: Sendable, Hashable, Codable {
    /// Precision (`precision_score`).
    public let precision: Double
    /// Recall (`recall_score`).
    public let recall: Double
    /// F1 score (`f1_score`).
    public let f1: Double

    /// The three scores.
    public init(precision: Double, recall: Double, f1: Double) {
        self.precision = precision
        self.recall = recall
        self.f1 = f1
    }
}
