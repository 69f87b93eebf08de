import MLOpsCore

/// Measures of binary-classifier probabilities against 0/1 labels.
public struct ClassificationMetrics: Sendable, Hashable, Codable {
    /// Share of rows whose thresholded probability equals the label.
    public let accuracy: Double
    /// Mean negative log-likelihood, with probabilities clipped to [1e-15, 1 − 1e-15] as scikit-learn does.
    public let logLoss: Double
    /// Area under the ROC curve (ties counted half); `nil` if only one class is present.
    public let rocAUC: Double?
    /// Number of rows.
    public let count: Int

    /// Computes the metrics at decision threshold `threshold`.
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
        var correct = 0
        var loss = 0.0
        for (p, y) in zip(probabilities, labels) {
            if (p >= threshold ? 1 : 0) == y { correct += 1 }
            let clipped = Swift.min(Swift.max(p, 1e-15), 1 - 1e-15)
            loss -= y == 1 ? Platform.log(clipped) : Platform.log(1 - clipped)
        }
        count = labels.count
        accuracy = Double(correct) / Double(count)
        logLoss = loss / Double(count)
        rocAUC = Self.auc(probabilities, labels)
    }

    /// Mann–Whitney U formulation with average ranks for ties.
    private static func auc(_ scores: [Double], _ labels: [Int]) -> Double? {
        let positives = labels.reduce(0, +)
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for k in i...j where labels[order[k]] == 1 { rankSum += averageRank }
            i = j + 1
        }
        let u = rankSum - Double(positives) * Double(positives + 1) / 2
        return u / (Double(positives) * Double(negatives))
    }
}
