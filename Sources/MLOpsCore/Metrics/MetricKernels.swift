/// The computational bodies of the model-quality measures, shared by Training's public `Metrics`
/// and Monitoring's performance windows.
///
/// Every measure is defined exactly as scikit-learn defines it (Training's `Metrics` documents
/// each one); binary measures take class 1 as the positive class. Each function checks its
/// input and throws `MLOpsError` `invalidArgument` for empty or unequal inputs and names the row
/// of the first NaN, non-finite or out-of-range value. Where scikit-learn returns NaN with a
/// warning, the function returns `nil`.
package enum MetricKernels {
    /// The clipping bound of the log losses: the machine epsilon of `Double`, 2⁻⁵² ≈ 2.22e-16
    /// (scikit-learn ≥ 1.5 clips to [eps, 1 − eps] with the epsilon of the input's float type).
    package static let logLossEpsilon = Double.ulpOfOne

    // MARK: Labels

    /// The share of rows whose predicted class equals the true class (`accuracy_score`).
    package static func accuracy(predicted: [Int], actual: [Int]) throws -> Double {
        try checkPair(predicted.count, actual.count, "predicted labels", "true labels")
        var correct = 0
        for (p, a) in zip(predicted, actual) where p == a { correct += 1 }
        return Double(correct) / Double(actual.count)
    }

    // MARK: Probabilities

    /// The mean negative log-likelihood of the true class (`log_loss` with
    /// `labels=range(classCount)`), probabilities clipped to [eps, 1 − eps], rows not renormalised.
    package static func logLoss(probabilities: [Double], classCount: Int, actual: [Int]) throws -> Double {
        try checkMatrix(probabilities, classCount: classCount, actual: actual)
        var sum = 0.0
        for (row, k) in actual.enumerated() { sum -= clippedLog(probabilities[row * classCount + k]) }
        return sum / Double(actual.count)
    }

    /// The binary log loss of the probabilities of class 1 (`log_loss` with a 1-D `y_proba`).
    package static func logLoss(positiveProbabilities: [Double], actual: [Int]) throws -> Double {
        try checkPair(positiveProbabilities.count, actual.count, "probabilities", "true labels")
        try checkClasses(actual, classCount: 2, name: "true labels")
        try checkProbabilities(positiveProbabilities, stride: 1, name: "probabilities")
        var sum = 0.0
        for (p, y) in zip(positiveProbabilities, actual) { sum -= clippedLog(y == 1 ? p : 1 - p) }
        return sum / Double(actual.count)
    }

    /// The Brier score of the probabilities of class 1 (`brier_score_loss` on binary labels).
    package static func brierScore(positiveProbabilities: [Double], actual: [Int]) throws -> Double {
        try checkPair(positiveProbabilities.count, actual.count, "probabilities", "true labels")
        try checkClasses(actual, classCount: 2, name: "true labels")
        try checkProbabilities(positiveProbabilities, stride: 1, name: "probabilities")
        var sum = 0.0
        for (p, y) in zip(positiveProbabilities, actual) {
            let error = p - Double(y)
            sum += error * error
        }
        return sum / Double(actual.count)
    }

    /// ln of `p` clipped to [eps, 1 − eps].
    private static func clippedLog(_ p: Double) -> Double {
        Platform.log(Swift.min(Swift.max(p, logLossEpsilon), 1 - logLossEpsilon))
    }

    // MARK: Ranking

    /// The area under the ROC curve of `scores` for class 1 (`roc_auc_score` on binary labels);
    /// `nil` when `actual` holds a single class.
    package static func rocAUC(scores: [Double], actual: [Int]) throws -> Double? {
        try checkPair(scores.count, actual.count, "scores", "true labels")
        try checkClasses(actual, classCount: 2, name: "true labels")
        try checkFinite(scores, name: "scores")
        return binaryROCAUC(count: scores.count, score: { scores[$0] }, isPositive: { actual[$0] == 1 })
    }

    /// The one-vs-rest, macro-averaged ROC AUC of multiclass probabilities; `nil` when a class
    /// does not occur in `actual`.
    package static func rocAUC(probabilities: [Double], classCount: Int, actual: [Int]) throws -> Double? {
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

    /// Average precision of `scores` for class 1 (`average_precision_score`); 0 when no row is
    /// of class 1.
    package static func averagePrecision(scores: [Double], actual: [Int]) throws -> Double {
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

    // MARK: Regression

    /// The mean of the squared errors (`mean_squared_error`).
    package static func meanSquaredError(predicted: [Double], actual: [Double]) throws -> Double {
        try checkRegression(predicted, actual)
        return sumOfSquaredErrors(predicted, actual) / Double(actual.count)
    }

    /// The root of the mean squared error (`root_mean_squared_error`).
    package static func rootMeanSquaredError(predicted: [Double], actual: [Double]) throws -> Double {
        try meanSquaredError(predicted: predicted, actual: actual).squareRoot()
    }

    /// The mean of the absolute errors (`mean_absolute_error`).
    package static func meanAbsoluteError(predicted: [Double], actual: [Double]) throws -> Double {
        try checkRegression(predicted, actual)
        var sum = 0.0
        for (p, a) in zip(predicted, actual) { sum += abs(a - p) }
        return sum / Double(actual.count)
    }

    /// The coefficient of determination (`r2_score`, `force_finite=True`); `nil` for a single row.
    package static func r2(predicted: [Double], actual: [Double]) throws -> Double? {
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

    // MARK: Checks

    /// Throws unless both inputs have the same, non-zero length.
    package static func checkPair(_ first: Int, _ second: Int, _ firstName: String, _ secondName: String) throws {
        guard first == second, first > 0 else {
            throw MLOpsError(
                .invalidArgument, "\(firstName) and \(secondName) must be non-empty and of equal length",
                value: "\(first) vs \(second)")
        }
    }

    /// Throws naming the first row whose class is outside `0..<classCount`.
    package static func checkClasses(_ classes: [Int], classCount: Int, name: String) throws {
        if let row = classes.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw MLOpsError(
                .invalidArgument, "\(name) must be class indices in 0..<\(classCount); row \(row) is not",
                value: "row \(row): \(classes[row])")
        }
    }

    /// Throws naming the first row whose value is NaN or infinite.
    package static func checkFinite(_ values: [Double], name: String) throws {
        if let row = values.firstIndex(where: { !$0.isFinite }) {
            throw MLOpsError(
                .invalidArgument, "\(name) must be finite numbers; row \(row) is \(values[row])",
                value: "row \(row): \(values[row])")
        }
    }

    /// Throws naming the first row (of `stride` values each) holding a value outside [0, 1] or NaN.
    package static func checkProbabilities(_ values: [Double], stride: Int, name: String) throws {
        if let index = values.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw MLOpsError(
                .invalidArgument, "\(name) must lie in [0, 1]; row \(index / stride) holds \(values[index])",
                value: "row \(index / stride): \(values[index])")
        }
    }

    /// Throws unless `probabilities` holds `classCount` values in [0, 1] per row of `actual` and
    /// `actual` holds classes of `0..<classCount`.
    package static func checkMatrix(_ probabilities: [Double], classCount: Int, actual: [Int]) throws {
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
    package static func checkRowSums(_ probabilities: [Double], classCount: Int) throws {
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
