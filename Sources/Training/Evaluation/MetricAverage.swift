/// How precision, recall and F1 combine the classes, as scikit-learn's `average=` argument.
public enum MetricAverage: String, Sendable, Hashable, Codable, CaseIterable {
    /// The score of class 1 only (scikit-learn's `average='binary'`, `pos_label=1`); the labels
    /// must all be 0 or 1.
    case binary
    /// The unweighted mean of the per-class scores (`average='macro'`).
    case macro
    /// The mean of the per-class scores weighted by each class's number of true rows (its
    /// support; `average='weighted'`).
    case weighted
}
