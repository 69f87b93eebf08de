import MLOpsCore

extension Metrics {
    // MARK: Ranking

    /// The area under the ROC curve of `scores` for class 1 (`roc_auc_score` on binary labels).
    ///
    /// As scikit-learn: the curve has a point per distinct score (tied scores form one step, so
    /// ties count half), intermediate collinear points are dropped (`drop_intermediate=True`), and
    /// the area is the trapezoidal rule over false-positive rate against true-positive rate.
    ///
    /// - Parameters:
    ///   - scores: A score per row; higher means more likely class 1 (a probability or any finite
    ///     decision value).
    ///   - actual: The true class of each row, 0 or 1.
    /// - Returns: The area, or `nil` when `actual` holds a single class (scikit-learn warns and
    ///   returns NaN).
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, a label other than 0 or
    ///   1, or a NaN or infinite score (naming the row).
    public static func rocAUC(scores: [Double], actual: [Int]) throws -> Double? {
        try checkPair(scores.count, actual.count, "scores", "true labels")
        try checkClasses(actual, classCount: 2, name: "true labels")
        try checkFinite(scores, name: "scores")
        return binaryROCAUC(count: scores.count, score: { scores[$0] }, isPositive: { actual[$0] == 1 })
    }

    /// The one-vs-rest ROC AUC of multiclass probabilities, macro-averaged
    /// (`roc_auc_score(multi_class='ovr', average='macro', labels=range(classCount))`).
    ///
    /// The mean over classes `k` of the binary ROC AUC of column `k` for "class is `k`".
    ///
    /// - Parameters:
    ///   - probabilities: `classCount` probabilities per row, row-major; each row must sum to 1
    ///     within scikit-learn's `np.allclose` tolerance (|1 − sum| ≤ 1e-8 + 1e-5·sum).
    ///   - classCount: The number of classes (at least 2).
    ///   - actual: The true class of each row, in `0..<classCount`.
    /// - Returns: The mean, or `nil` when a class does not occur in `actual` (its AUC is undefined;
    ///   scikit-learn warns and returns NaN).
    /// - Throws: `MLOpsError` `invalidArgument` for a count that is not `classCount` per row of
    ///   `actual`, a class outside `0..<classCount`, or a probability that is NaN, outside [0, 1], or
    ///   in a row that does not sum to 1 (naming the row).
    public static func rocAUC(probabilities: [Double], classCount: Int, actual: [Int]) throws -> Double? {
        try checkMatrix(probabilities, classCount: classCount, actual: actual)
        try checkRowSums(probabilities, classCount: classCount)
        var sum = 0.0
        for k in 0..<classCount {
            guard
                let area = binaryROCAUC(
                    count: actual.count, score: { probabilities[$0 * classCount + k] }, isPositive: { actual[$0] == k })
            else { return nil }
            sum += area
        }
        return sum / Double(classCount)
    }

    /// Average precision of `scores` for class 1 (`average_precision_score`): the precision at each
    /// distinct score threshold (highest first) weighted by the increase in recall from the
    /// previous threshold, Σₙ (Rₙ − Rₙ₋₁) Pₙ — the step integral of the precision-recall curve,
    /// without interpolation.
    ///
    /// - Parameters:
    ///   - scores: A score per row; higher means more likely class 1.
    ///   - actual: The true class of each row, 0 or 1.
    /// - Returns: The average precision; 0 when no row is of class 1 (as scikit-learn, which warns).
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, a label other than 0 or
    ///   1, or a NaN or infinite score (naming the row).
    public static func averagePrecision(scores: [Double], actual: [Int]) throws -> Double {
        try checkPair(scores.count, actual.count, "scores", "true labels")
        try checkClasses(actual, classCount: 2, name: "true labels")
        try checkFinite(scores, name: "scores")
        let curve = thresholdCounts(count: scores.count, score: { scores[$0] }, isPositive: { actual[$0] == 1 })
        guard let positives = curve.truePositives.last, positives > 0 else { return 0 }
        var sum = 0.0
        var previousRecall = 0.0
        for (tp, fp) in zip(curve.truePositives, curve.falsePositives) {
            let recall = tp / positives
            sum += (recall - previousRecall) * (tp / (tp + fp))
            previousRecall = recall
        }
        return Swift.max(0, sum)
    }

    // MARK: Curves

    /// The binary ROC AUC of rows `0..<count`; `nil` when one class is absent.
    private static func binaryROCAUC(
        count: Int, score: (Int) -> Double, isPositive: (Int) -> Bool
    ) -> Double? {
        let curve = thresholdCounts(count: count, score: score, isPositive: isPositive)
        let tps = curve.truePositives
        let fps = curve.falsePositives
        guard let positives = tps.last, let negatives = fps.last, positives > 0, negatives > 0 else { return nil }
        // scikit-learn's drop_intermediate: keep the ends and every point where either count
        // changes slope; then prepend the origin.
        var x: [Double] = [0]
        var y: [Double] = [0]
        for i in tps.indices {
            let isEnd = i == 0 || i == tps.count - 1
            if isEnd || fps[i - 1] - 2 * fps[i] + fps[i + 1] != 0 || tps[i - 1] - 2 * tps[i] + tps[i + 1] != 0 {
                x.append(fps[i] / negatives)
                y.append(tps[i] / positives)
            }
        }
        var area = 0.0
        for i in 1..<x.count { area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2 }
        return area
    }

    /// The cumulative true- and false-positive counts at each distinct score, highest score first
    /// (scikit-learn's `_binary_clf_curve`).
    private static func thresholdCounts(
        count: Int, score: (Int) -> Double, isPositive: (Int) -> Bool
    ) -> (truePositives: [Double], falsePositives: [Double]) {
        let order = (0..<count).sorted { score($0) > score($1) }
        var tps: [Double] = []
        var fps: [Double] = []
        var tp = 0.0
        var fp = 0.0
        for (position, row) in order.enumerated() {
            if isPositive(row) { tp += 1 } else { fp += 1 }
            if position == order.count - 1 || score(order[position + 1]) != score(row) {
                tps.append(tp)
                fps.append(fp)
            }
        }
        return (tps, fps)
    }

    // MARK: Checks of probability matrices

    /// Throws unless `probabilities` holds `classCount` values in [0, 1] per row of `actual` and
    /// `actual` holds classes of `0..<classCount`.
    static func checkMatrix(_ probabilities: [Double], classCount: Int, actual: [Int]) throws {
        guard classCount >= 2 else {
            throw MLOpsError(
                .invalidArgument, "class probabilities need two or more classes", value: String(classCount))
        }
        guard !actual.isEmpty, probabilities.count / classCount == actual.count,
            probabilities.count % classCount == 0
        else {
            throw MLOpsError(
                .invalidArgument,
                "class probabilities must hold \(classCount) values for each of the \(actual.count) rows",
                value: String(probabilities.count))
        }
        try checkClasses(actual, classCount: classCount, name: "true labels")
        try checkProbabilities(probabilities, stride: classCount, name: "class probabilities")
    }

    /// Throws naming the first row whose probabilities do not sum to 1 within `np.allclose`'s
    /// tolerance (|1 − sum| ≤ 1e-8 + 1e-5·|sum|).
    static func checkRowSums(_ probabilities: [Double], classCount: Int) throws {
        let rows = probabilities.count / classCount
        for row in 0..<rows {
            var sum = 0.0
            for k in 0..<classCount { sum += probabilities[row * classCount + k] }
            guard abs(1 - sum) <= 1e-8 + 1e-5 * abs(sum) else {
                throw MLOpsError(
                    .invalidArgument, "the class probabilities of row \(row) sum to \(sum), not 1",
                    value: "row \(row): \(sum)")
            }
        }
    }
}
