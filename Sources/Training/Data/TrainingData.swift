public import MLOpsCore

/// Rows to learn from: a ``FeatureMatrix`` and the ``TrainingTarget`` of each row.
///
/// ```swift
/// let table = try Table.readCSV(path: "train.csv")
/// let data = try TrainingData(table, target: "label")          // every other column is a feature
/// let model = try LogisticRegression().fit(data, context: &context)
/// ```
public struct TrainingData: Sendable, Hashable {
    /// The features of each row.
    public let features: FeatureMatrix
    /// The target of each row.
    public let target: TrainingTarget

    /// Pairs features with a target.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when they have different row counts, or no rows.
    public init(features: FeatureMatrix, target: TrainingTarget) throws {
        guard features.rowCount == target.count else {
            throw MLOpsError(
                .invalidArgument,
                "the features have \(features.rowCount) rows but the target \(target.name) has \(target.count)",
                value: target.name)
        }
        guard features.rowCount > 0 else {
            throw MLOpsError(.invalidArgument, "there are no rows to train on", value: target.name)
        }
        self.features = features
        self.target = target
    }

    /// The column `target` of `table` as the target and `features` (every other column when `nil`)
    /// as the features.
    ///
    /// - Throws: `MLOpsError` `notFound` naming a missing column; the errors of
    ///   ``TrainingTarget/init(_:task:)`` and ``FeatureMatrix/init(_:columns:)``; `invalidArgument`
    ///   for an empty table or a target also listed as a feature.
    public init(_ table: Table, target: String, features: [String]? = nil, task: TrainingTask? = nil) throws {
        guard let column = table.column(named: target) else {
            throw MLOpsError(.notFound, "the table has no target column named \(target)", value: target)
        }
        if let features, features.contains(target) {
            throw MLOpsError(.invalidArgument, "the target \(target) is also listed as a feature", value: target)
        }
        let names = features ?? table.columnNames.filter { $0 != target }
        try self.init(features: FeatureMatrix(table, columns: names), target: TrainingTarget(column, task: task))
    }

    /// The number of rows.
    public var rowCount: Int { features.rowCount }
    /// The task the target defines.
    public var task: TrainingTask { target.task }

    /// The rows at `indices`, in that order.
    ///
    /// - Precondition: every index is in `0..<rowCount`, and `indices` is not empty.
    public func rows(_ indices: [Int]) -> TrainingData {
        // Same columns and classes, fewer rows: the checks of `init` hold.
        TrainingData(unchecked: features.rows(indices), target: target.rows(indices))
    }

    private init(unchecked features: FeatureMatrix, target: TrainingTarget) {
        self.features = features
        self.target = target
    }
}
