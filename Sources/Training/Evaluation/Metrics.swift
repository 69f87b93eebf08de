import MLOpsCore

/// Model quality measures defined exactly as scikit-learn defines them.
///
/// Classes are class indices (`0..<classCount`, as ``TrainingTarget/classes``); binary measures
/// take class 1 as the positive class. Each function names its scikit-learn counterpart; where
/// scikit-learn returns NaN with a warning (a measure undefined for the data, such as ROC AUC with a
/// single class), the function returns `nil`; where scikit-learn warns and returns 0 (a zero
/// division in precision, recall or F1), the function returns 0.
///
/// Every function throws `MLOpsError` `invalidArgument` for empty or unequal inputs, and names the
/// row of the first NaN, non-finite or out-of-range value.
public enum Metrics {
    // MARK: Labels

    /// The share of rows whose predicted class equals the true class (`accuracy_score`).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs.
    public static func accuracy(predicted: [Int], actual: [Int]) throws -> Double {
        try MetricKernels.accuracy(predicted: predicted, actual: actual)
    }

    /// Precision, recall and F1 (`precision_recall_fscore_support`, `zero_division="warn"`: a zero
    /// denominator gives 0), averaged as `average` says.
    ///
    /// - Parameters:
    ///   - predicted: The predicted class of each row.
    ///   - actual: The true class of each row.
    ///   - average: ``MetricAverage/binary`` scores class 1 (every label must be 0 or 1);
    ///     ``MetricAverage/macro`` and ``MetricAverage/weighted`` average over `labels`.
    ///   - labels: The classes to average over (macro and weighted). `nil`, scikit-learn's default,
    ///     means every class that occurs in `actual` or `predicted`: a class of the model that
    ///     occurs in neither is left out of the average. Pass `Array(0..<classCount)` to count
    ///     every class (an absent one then scores 0).
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, an empty `labels`, or a
    ///   label other than 0 and 1 with ``MetricAverage/binary`` (naming the row).
    public static func precisionRecallF1(
        predicted: [Int], actual: [Int], average: MetricAverage, labels: [Int]? = nil
    ) throws -> PrecisionRecallF1 {
        try checkPair(predicted.count, actual.count, "predicted labels", "true labels")
        if average == .binary {
            try checkClasses(actual, classCount: 2, name: "true labels (binary average)")
            try checkClasses(predicted, classCount: 2, name: "predicted labels (binary average)")
        }
        var truePositives: [Int: Int] = [:]
        var actualCounts: [Int: Int] = [:]
        var predictedCounts: [Int: Int] = [:]
        for (p, a) in zip(predicted, actual) {
            actualCounts[a, default: 0] += 1
            predictedCounts[p, default: 0] += 1
            if p == a { truePositives[a, default: 0] += 1 }
        }
        let classes: [Int]
        switch average {
        case .binary: classes = [1]
        case .macro, .weighted:
            classes = labels ?? Set(actualCounts.keys).union(predictedCounts.keys).sorted()
            guard !classes.isEmpty else {
                throw MLOpsError(.invalidArgument, "labels to average over must not be empty", value: "[]")
            }
        }
        var sums = (precision: 0.0, recall: 0.0, f1: 0.0, weight: 0.0)
        for label in classes {
            let tp = Double(truePositives[label] ?? 0)
            let support = Double(actualCounts[label] ?? 0)
            let predictedCount = Double(predictedCounts[label] ?? 0)
            let precision = divide(tp, predictedCount)
            let recall = divide(tp, support)
            let f1 = divide(2 * tp, support + predictedCount)
            let weight = average == .weighted ? support : 1
            sums.precision += precision * weight
            sums.recall += recall * weight
            sums.f1 += f1 * weight
            sums.weight += weight
        }
        // All weights zero (weighted, no listed class occurs): scikit-learn's zero-division value.
        guard sums.weight > 0 else { return PrecisionRecallF1(precision: 0, recall: 0, f1: 0) }
        return PrecisionRecallF1(
            precision: sums.precision / sums.weight, recall: sums.recall / sums.weight, f1: sums.f1 / sums.weight)
    }

    /// `numerator / denominator`, or 0 when the denominator is 0 (scikit-learn's zero division).
    private static func divide(_ numerator: Double, _ denominator: Double) -> Double {
        denominator == 0 ? 0 : numerator / denominator
    }

    // MARK: Checks shared by the metrics

    /// Throws unless both inputs have the same, non-zero length.
    static func checkPair(_ first: Int, _ second: Int, _ firstName: String, _ secondName: String) throws {
        try MetricKernels.checkPair(first, second, firstName, secondName)
    }

    /// Throws naming the first row whose class is outside `0..<classCount`.
    static func checkClasses(_ classes: [Int], classCount: Int, name: String) throws {
        try MetricKernels.checkClasses(classes, classCount: classCount, name: name)
    }

    /// Throws naming the first row whose value is NaN or infinite.
    static func checkFinite(_ values: [Double], name: String) throws {
        try MetricKernels.checkFinite(values, name: name)
    }

    /// Throws naming the first row (of `stride` values each) holding a value outside [0, 1] or NaN.
    static func checkProbabilities(_ values: [Double], stride: Int, name: String) throws {
        try MetricKernels.checkProbabilities(values, stride: stride, name: name)
    }
}
