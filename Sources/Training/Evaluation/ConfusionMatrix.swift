import MLOpsCore

/// Counts of rows by true class and predicted class (scikit-learn's `confusion_matrix` with
/// `labels=range(classCount)`).
///
/// Row `i`, column `j` counts the rows of true class `i` predicted as class `j`; every class of
/// `0..<classCount` has a row and a column, also when it never occurs.
public struct ConfusionMatrix: Sendable, Hashable, Codable {
    /// The number of classes: the matrix is `classCount × classCount`.
    public let classCount: Int
    /// The counts, row-major: true class `i`, predicted class `j` is at `i * classCount + j`.
    public let counts: [Int]

    /// Counts `predicted` against `actual`.
    ///
    /// - Parameters:
    ///   - predicted: The predicted class index of each row.
    ///   - actual: The true class index of each row.
    ///   - classCount: The number of classes (at least 2); every index must lie in `0..<classCount`.
    /// - Throws: `MLOpsError` `invalidArgument` for empty or unequal inputs, fewer than two classes,
    ///   or an index outside `0..<classCount` (naming the row).
    public init(predicted: [Int], actual: [Int], classCount: Int) throws {
        guard classCount >= 2 else {
            throw MLOpsError(
                .invalidArgument, "a confusion matrix needs two or more classes", value: String(classCount))
        }
        try Metrics.checkPair(predicted.count, actual.count, "predicted labels", "true labels")
        try Metrics.checkClasses(predicted, classCount: classCount, name: "predicted labels")
        try Metrics.checkClasses(actual, classCount: classCount, name: "true labels")
        var counts = [Int](repeating: 0, count: classCount * classCount)
        for (p, a) in zip(predicted, actual) { counts[a * classCount + p] += 1 }
        self.classCount = classCount
        self.counts = counts
    }

    /// The number of rows of true class `actual` predicted as class `predicted`.
    ///
    /// - Precondition: both indices lie in `0..<classCount`.
    public subscript(actual actual: Int, predicted predicted: Int) -> Int {
        counts[actual * classCount + predicted]
    }

    /// The number of rows counted.
    public var total: Int { counts.reduce(0, +) }

    /// The number of rows of each true class (the row sums; scikit-learn's support).
    public var actualCounts: [Int] {
        (0..<classCount).map { i in (0..<classCount).reduce(0) { $0 + counts[i * classCount + $1] } }
    }

    /// The number of rows predicted as each class (the column sums).
    public var predictedCounts: [Int] {
        (0..<classCount).map { j in (0..<classCount).reduce(0) { $0 + counts[$1 * classCount + j] } }
    }
}
