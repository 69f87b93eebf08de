import MLOpsCore

/// A seeded split of row indices into a training and a test part.
///
/// The same seed and row count always give the same split, on every
/// platform. With `stratifyBy`, each class keeps its share in both parts (as
/// scikit-learn's `stratify=`).
///
/// ```swift
/// let split = try TrainTestSplit(rowCount: table.rowCount, testFraction: 0.2, seed: 42)
/// let train = try table.rows(split.train)
/// let test = try table.rows(split.test)
/// ```
public struct TrainTestSplit: Sendable, Hashable {
    /// Row indices of the training part, ascending.
    public let train: [Int]
    /// Row indices of the test part, ascending.
    public let test: [Int]

    /// Splits `rowCount` rows.
    ///
    /// - Parameters:
    ///   - rowCount: The number of rows to split (at least two).
    ///   - testFraction: The share of rows in the test part, in (0, 1); the
    ///     test part gets `round(rowCount * testFraction)` rows, at least one
    ///     and leaving at least one for training.
    ///   - seed: Seeds the shuffle: the same seed gives the same split.
    ///   - labels: The `stratifyBy` argument: class labels, one per row, to keep class shares.
    /// - Throws: `MLOpsError` `invalidArgument` for fewer than two rows, a
    ///   fraction outside (0, 1), or labels of the wrong length.
    public init(rowCount: Int, testFraction: Double, seed: UInt64, stratifyBy labels: [Int]? = nil) throws {
        guard rowCount >= 2 else {
            throw MLOpsError(.invalidArgument, "a split needs at least two rows", value: String(rowCount))
        }
        guard testFraction > 0, testFraction < 1 else {
            throw MLOpsError(
                .invalidArgument, "testFraction must lie strictly between 0 and 1", value: "\(testFraction)")
        }
        var random = SeededRandom(seed: seed)
        var testRows: [Int] = []
        if let labels {
            guard labels.count == rowCount else {
                throw MLOpsError(
                    .invalidArgument, "stratifyBy must have one label per row (\(rowCount))",
                    value: String(labels.count))
            }
            var groups: [Int: [Int]] = [:]
            for (row, label) in labels.enumerated() { groups[label, default: []].append(row) }
            for label in groups.keys.sorted() {
                var rows = groups[label]!
                random.shuffle(&rows)
                let take = Int((Double(rows.count) * testFraction).rounded())
                testRows += rows.prefix(take)
            }
        } else {
            var rows = Array(0..<rowCount)
            random.shuffle(&rows)
            let take = Int((Double(rowCount) * testFraction).rounded())
            testRows = Array(rows.prefix(take))
        }
        if testRows.isEmpty { testRows = [random.int(in: 0..<rowCount)] }
        if testRows.count == rowCount { testRows.removeLast() }
        let testSet = Set(testRows)
        test = testRows.sorted()
        train = (0..<rowCount).filter { !testSet.contains($0) }
    }
}
