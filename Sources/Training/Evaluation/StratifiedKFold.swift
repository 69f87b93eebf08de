public import MLOpsCore

/// Stratified k-fold cross-validation (scikit-learn's `StratifiedKFold`): each fold keeps about
/// the class shares of the whole.
///
/// The algorithm is scikit-learn's (1.9): classes are numbered in order of first appearance; the
/// rows, sorted by that number, are dealt round-robin to the folds, which fixes how many rows of
/// each class every fold gets; the rows of each class, in data order, then fill the folds in turn
/// (fold 0 first). So fold sizes and per-class counts equal scikit-learn's, and without shuffling
/// the folds are exactly scikit-learn's. With shuffling, the assignment of each class's rows to
/// folds is permuted with the `SeededRandom` passed in (same counts, different rows than
/// scikit-learn's generator would pick).
public struct StratifiedKFold: CrossValidationSplitter, Hashable {
    /// The number of folds, at least 2 (default 5).
    public let splits: Int
    /// Whether each class's rows are assigned to folds in random order (default `false`).
    public let shuffle: Bool

    /// A stratified k-fold rule.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `splits` is less than 2.
    public init(splits: Int = 5, shuffle: Bool = false) throws {
        guard splits >= 2 else {
            throw MLOpsError(.invalidArgument, "stratified k-fold needs at least 2 splits", value: String(splits))
        }
        self.splits = splits
        self.shuffle = shuffle
    }

    /// The folds of rows labelled `labels` (any class values, one per row); a shuffle draws from
    /// `random` (untouched without one).
    ///
    /// A class with fewer rows than ``splits`` is missing from some folds (scikit-learn warns).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when there are fewer rows than ``splits``, or when
    ///   every class has fewer rows than ``splits``.
    public func folds(labels: [Int], random: inout SeededRandom) throws -> [Fold] {
        let rowCount = labels.count
        guard rowCount >= splits else {
            throw MLOpsError(
                .invalidArgument, "cannot cut \(rowCount) rows into \(splits) folds", value: String(rowCount))
        }
        // Classes numbered by first appearance.
        var number: [Int: Int] = [:]
        var encoded = [Int](repeating: 0, count: rowCount)
        var counts: [Int] = []
        for (row, label) in labels.enumerated() {
            let k: Int
            if let known = number[label] {
                k = known
            } else {
                k = counts.count
                number[label] = k
                counts.append(0)
            }
            encoded[row] = k
            counts[k] += 1
        }
        guard counts.contains(where: { $0 >= splits }) else {
            throw MLOpsError(
                .invalidArgument,
                "\(splits) folds cannot be more than the number of rows of every class (largest class: "
                    + "\(counts.max() ?? 0) rows)", value: String(splits))
        }
        // Deal the class-sorted rows round-robin to the folds: class k holds sorted positions
        // start..<start + count, so its rows go to folds p % splits of those positions, fold 0's
        // first (scikit-learn's `allocation`, without its folds × classes table).
        var foldOfClass: [[Int]] = []
        foldOfClass.reserveCapacity(counts.count)
        var start = 0
        for count in counts {
            foldOfClass.append((start..<(start + count)).map { $0 % splits }.sorted())
            start += count
        }
        if shuffle {
            for k in foldOfClass.indices { random.shuffle(&foldOfClass[k]) }
        }
        var next = [Int](repeating: 0, count: counts.count)
        var foldOfRow = [Int](repeating: 0, count: rowCount)
        for (row, k) in encoded.enumerated() {
            foldOfRow[row] = foldOfClass[k][next[k]]
            next[k] += 1
        }
        return (0..<splits).map { fold in Fold(mask: foldOfRow.map { $0 == fold }) }
    }

    /// The folds of the rows of classification `data`, stratified by its classes; see
    /// ``folds(labels:random:)``.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a regression target, and the errors of
    ///   ``folds(labels:random:)``.
    public func folds(for data: TrainingData, random: inout SeededRandom) throws -> [Fold] {
        guard data.task.isClassification else {
            throw MLOpsError(
                .invalidArgument, "stratified folds need classes, but the target \(data.target.name) is numeric",
                value: data.target.name)
        }
        return try folds(labels: data.target.classes, random: &random)
    }
}
