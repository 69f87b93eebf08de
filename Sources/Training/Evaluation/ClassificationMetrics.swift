import MLOpsCore

/// Measures of binary-classifier probabilities against 0/1 labels.
///
/// A summary of the ``Metrics`` functions for a binary model; ``Evaluation`` gives the full set
/// for any task.
public struct ClassificationMetrics: Sendable, Hashable, Codable {
    /// Share of rows whose thresholded probability equals the label (`accuracy_score`).
    public let accuracy: Double
    /// Mean negative log-likelihood (`log_loss`), with probabilities clipped to
    /// [eps, 1 − eps], eps = ``Metrics/logLossEpsilon`` (the machine epsilon of `Double`), as
    /// scikit-learn ≥ 1.5 does.
    public let logLoss: Double
    /// Area under the ROC curve (`roc_auc_score`; ties count half); `nil` if only one class is
    /// present.
    public let rocAUC: Double?
    /// Number of rows.
    public let count: Int

    /// Computes the metrics at decision threshold `threshold` (a row is predicted as class 1 when
    /// its probability is at least `threshold`).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal
    ///   inputs, labels other than 0 and 1, or probabilities outside [0, 1].
    public init(probabilities: [Double], labels: [Int], threshold: Double = 0.5) throws {
        guard !labels.isEmpty, probabilities.count == labels.count else {
            throw MLOpsError(
                .invalidArgument, "probabilities and labels must be non-empty and of equal length",
                value: "\(probabilities.count) vs \(labels.count)")
        }
        if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw MLOpsError(.invalidArgument, "labels must be 0 or 1", value: "index \(bad): \(labels[bad])")
        }
        if let bad = probabilities.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw MLOpsError(
                .invalidArgument, "probabilities must lie in [0, 1]", value: "index \(bad): \(probabilities[bad])")
        }
        count = labels.count
        accuracy = try Metrics.accuracy(predicted: probabilities.map { $0 >= threshold ? 1 : 0 }, actual: labels)
        logLoss = try Metrics.logLoss(positiveProbabilities: probabilities, actual: labels)
        rocAUC = try Metrics.rocAUC(scores: probabilities, actual: labels)
    }
}
