public import MLOpsCore

/// Cross-validation for rows in time order (scikit-learn's `TimeSeriesSplit`): each fold tests a
/// later block of rows and trains on the rows before it (an expanding window), so no fold trains on
/// the future.
///
/// As scikit-learn: with `n` rows, the test blocks have ``testSize`` rows (default
/// `n / (splits + 1)`) and are the last `splits × testSize` rows, in order; fold `i` tests rows
/// `n − (splits − i) × testSize ..< n − (splits − i − 1) × testSize` and trains on the rows before
/// its test block minus the ``gap`` rows just before it, keeping only the last ``maxTrainSize`` of
/// them when that is set. The folds are exactly scikit-learn's; no randomness is involved.
public struct TimeSeriesSplit: CrossValidationSplitter, Hashable {
    /// The number of folds, at least 2 (default 5).
    public let splits: Int
    /// The rows in each test block, at least 1; `nil` (default) for `rowCount / (splits + 1)`.
    public let testSize: Int?
    /// The rows left out between the end of the training rows and the test block, at least 0
    /// (default 0).
    public let gap: Int
    /// The most training rows of a fold (the latest ones are kept), at least 1; `nil` (default) for
    /// no limit.
    public let maxTrainSize: Int?

    /// A time-series split rule.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the parameter: `splits` below 2, `testSize`
    ///   or `maxTrainSize` below 1, or a negative `gap`.
    public init(splits: Int = 5, testSize: Int? = nil, gap: Int = 0, maxTrainSize: Int? = nil) throws {
        guard splits >= 2 else {
            throw MLOpsError(.invalidArgument, "a time-series split needs at least 2 splits", value: String(splits))
        }
        if let testSize, testSize < 1 {
            throw MLOpsError(.invalidArgument, "testSize must be at least 1", value: String(testSize))
        }
        guard gap >= 0 else { throw MLOpsError(.invalidArgument, "gap must not be negative", value: String(gap)) }
        if let maxTrainSize, maxTrainSize < 1 {
            throw MLOpsError(.invalidArgument, "maxTrainSize must be at least 1", value: String(maxTrainSize))
        }
        self.splits = splits
        self.testSize = testSize
        self.gap = gap
        self.maxTrainSize = maxTrainSize
    }

    /// The folds of `rowCount` rows in time order.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `rowCount` is less than `splits + 1`, or when
    ///   the test blocks and the gap leave no training row for the first fold.
    public func folds(rowCount: Int) throws -> [Fold] {
        guard rowCount > splits else {
            throw MLOpsError(
                .invalidArgument, "a time-series split into \(splits) folds needs more than \(splits) rows",
                value: String(rowCount))
        }
        let size = testSize ?? rowCount / (splits + 1)
        let (tested, overflow) = size.multipliedReportingOverflow(by: splits)
        guard !overflow, tested < rowCount, gap < rowCount - tested else {
            throw MLOpsError(
                .invalidArgument,
                "\(splits) test blocks of \(size) rows and a gap of \(gap) leave no training rows in \(rowCount)",
                value: String(rowCount))
        }
        return (0..<splits).map { fold in
            let testStart = rowCount - tested + fold * size
            let trainEnd = testStart - gap
            let trainStart = maxTrainSize.map { Swift.max(0, trainEnd - $0) } ?? 0
            return Fold(train: Array(trainStart..<trainEnd), test: Array(testStart..<(testStart + size)))
        }
    }

    /// The folds of the rows of `data`, in row order; `random` is not used.
    public func folds(for data: TrainingData, random: inout SeededRandom) throws -> [Fold] {
        try folds(rowCount: data.rowCount)
    }
}
