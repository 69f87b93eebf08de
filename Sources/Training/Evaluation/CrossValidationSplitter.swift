public import MLOpsCore

/// A rule that divides rows into cross-validation ``Fold``s: ``KFold``, ``StratifiedKFold``,
/// ``TimeSeriesSplit``.
public protocol CrossValidationSplitter: Sendable {
    /// The folds of the rows of `data`, drawing any shuffle from `random`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when the data cannot be split by this rule (too few
    ///   rows, or too few rows of each class).
    func folds(for data: TrainingData, random: inout SeededRandom) throws -> [Fold]
}
