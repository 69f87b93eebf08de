public import MLOpsCore

/// K-fold cross-validation (scikit-learn's `KFold`): the rows, optionally shuffled, are cut into
/// ``splits`` consecutive folds; each fold is the test part once.
///
/// Fold sizes follow scikit-learn: every fold has `rowCount / splits` rows and the first
/// `rowCount % splits` folds one more. Without shuffling, fold `i` tests a contiguous block of rows,
/// exactly as scikit-learn; with shuffling the permutation comes from the `SeededRandom` passed in
/// (so the blocks differ from scikit-learn's, the sizes do not).
public struct KFold: CrossValidationSplitter, Hashable {
    /// The number of folds, at least 2 (default 5).
    public let splits: Int
    /// Whether the rows are shuffled before being cut into folds (default `false`).
    public let shuffle: Bool

    /// A k-fold rule.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `splits` is less than 2.
    public init(splits: Int = 5, shuffle: Bool = false) throws {
        guard splits >= 2 else {
            throw MLOpsError(.invalidArgument, "k-fold needs at least 2 splits", value: String(splits))
        }
        self.splits = splits
        self.shuffle = shuffle
    }

    /// The folds of `rowCount` rows; a shuffle draws from `random` (untouched without one).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when there are fewer rows than ``splits``.
    public func folds(rowCount: Int, random: inout SeededRandom) throws -> [Fold] {
        guard rowCount >= splits else {
            throw MLOpsError(
                .invalidArgument, "cannot cut \(rowCount) rows into \(splits) folds", value: String(rowCount))
        }
        var order = Array(0..<rowCount)
        if shuffle { random.shuffle(&order) }
        var folds: [Fold] = []
        folds.reserveCapacity(splits)
        var start = 0
        for fold in 0..<splits {
            let size = rowCount / splits + (fold < rowCount % splits ? 1 : 0)
            var isTest = [Bool](repeating: false, count: rowCount)
            for row in order[start..<(start + size)] { isTest[row] = true }
            folds.append(Fold(mask: isTest))
            start += size
        }
        return folds
    }

    /// The folds of the rows of `data`; see ``folds(rowCount:random:)``.
    public func folds(for data: TrainingData, random: inout SeededRandom) throws -> [Fold] {
        try folds(rowCount: data.rowCount, random: &random)
    }
}

extension Fold {
    /// The fold testing the rows marked in `isTest` and training on the others, both ascending.
    init(mask isTest: [Bool]) {
        var train: [Int] = []
        var test: [Int] = []
        for (row, tested) in isTest.enumerated() {
            if tested { test.append(row) } else { train.append(row) }
        }
        self.init(train: train, test: test)
    }
}
