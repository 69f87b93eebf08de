import MLOpsCore

/// What a fitted estimator predicts for a set of rows, in double precision.
///
/// Regression: one value per row. Classification: the probability of every class for every row,
/// row-major (`rowCount × classCount`, each row summing to 1); a binary model has two columns, so
/// ``probabilities`` always has `classCount` values per row.
public struct Predictions: Sendable, Hashable {
    /// The task the predictions are for.
    public let task: TrainingTask
    /// The number of rows.
    public let rowCount: Int
    /// The number of classes (1 for regression).
    public let classCount: Int
    /// Regression: the prediction of each row. Classification: the class probabilities, row-major.
    public let values: [Double]

    /// Regression predictions.
    public init(regression values: [Double]) {
        task = .regression
        rowCount = values.count
        classCount = 1
        self.values = values
    }

    /// Class probabilities, row-major, `classCount` per row.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for fewer than two classes or a count that is not a
    ///   multiple of `classCount`.
    public init(probabilities: [Double], classCount: Int) throws {
        guard classCount >= 2, probabilities.count % classCount == 0 else {
            throw MLOpsError(
                .invalidArgument, "class probabilities need two or more classes and \(classCount) values per row",
                value: String(probabilities.count))
        }
        task = classCount == 2 ? .binary : .multiclass
        rowCount = probabilities.count / classCount
        self.classCount = classCount
        values = probabilities
    }

    /// Classification: the class probabilities, row-major; regression: the predictions.
    public var probabilities: [Double] { values }

    /// Binary classification: the probability of class 1 for each row. Multiclass: the largest
    /// probability of each row. Regression: the predictions.
    public var positiveProbabilities: [Double] {
        switch task {
        case .regression: return values
        case .binary: return (0..<rowCount).map { values[$0 * 2 + 1] }
        case .multiclass:
            return (0..<rowCount).map { row in values[(row * classCount)..<((row + 1) * classCount)].max()! }
        }
    }

    /// Classification: the most probable class of each row (the first on ties). Regression: empty.
    public var labels: [Int] {
        guard task.isClassification else { return [] }
        return (0..<rowCount).map { row in
            var best = 0
            for k in 1..<classCount where values[row * classCount + k] > values[row * classCount + best] { best = k }
            return best
        }
    }
}
