public import MLOpsCore

/// A seeded split of row indices into training, validation and test parts, optionally stratified.
///
/// Sizes follow scikit-learn's `train_test_split`: the test part has `ceil(testFraction × rowCount)`
/// rows, the validation part `ceil(validationFraction × rowCount)`, and training the rest (computed
/// in `Double`, exactly as scikit-learn, so `0.07 × 100` gives 8 test rows). With no validation
/// part the split has the sizes of `train_test_split(test_size=testFraction)`.
///
/// **Stratified** (`stratifyBy`), as scikit-learn's `StratifiedShuffleSplit`: the training part
/// gets, of each class, its share of the training rows rounded down, and the rows still missing go
/// to the classes with the largest remainders (ties broken at random: scikit-learn's
/// `_approximate_mode`); the validation part is drawn the same way from the rows left, and the test
/// part is the rest. So with no validation part the class counts equal scikit-learn's (barring
/// ties in the remainders, which both break at random). The rows of each class are then shuffled.
///
/// All shuffles draw from the `SeededRandom` passed in: the same generator state and inputs give
/// the same split on every platform.
public struct TrainValidationTestSplit: Sendable, Hashable {
    /// Row indices of the training part, ascending.
    public let train: [Int]
    /// Row indices of the validation part, ascending (empty when `validationFraction` is 0).
    public let validation: [Int]
    /// Row indices of the test part, ascending.
    public let test: [Int]

    /// Splits `rowCount` rows, or the rows labelled `labels` with stratification.
    ///
    /// - Parameters:
    ///   - rowCount: The number of rows.
    ///   - validationFraction: The share of rows for validation, in [0, 1) (default 0).
    ///   - testFraction: The share of rows for the test part, in (0, 1).
    ///   - labels: The `stratifyBy` argument: a class label per row (`rowCount` of them) to keep
    ///     each class's share in every part; `nil` for a plain shuffle.
    ///   - random: The generator the shuffles draw from.
    /// - Throws: `MLOpsError` `invalidArgument` naming the problem: a fraction out of range, no row
    ///   left for training, labels of the wrong length; stratified, a class with a single row, or
    ///   fewer training or test rows than classes (as scikit-learn).
    public init(
        rowCount: Int, validationFraction: Double = 0, testFraction: Double, stratifyBy labels: [Int]? = nil,
        random: inout SeededRandom
    ) throws {
        guard testFraction > 0, testFraction < 1 else {
            throw MLOpsError(
                .invalidArgument, "testFraction must lie strictly between 0 and 1", value: "\(testFraction)")
        }
        guard validationFraction >= 0, validationFraction < 1 else {
            throw MLOpsError(
                .invalidArgument, "validationFraction must lie in [0, 1)", value: "\(validationFraction)")
        }
        guard rowCount >= 2 else {
            throw MLOpsError(.invalidArgument, "a split needs at least two rows", value: String(rowCount))
        }
        let testCount = Int((testFraction * Double(rowCount)).rounded(.up))
        let validationCount = Int((validationFraction * Double(rowCount)).rounded(.up))
        let trainCount = rowCount - testCount - validationCount
        guard trainCount >= 1 else {
            throw MLOpsError(
                .invalidArgument,
                "\(testCount) test and \(validationCount) validation rows of \(rowCount) leave no training rows",
                value: "testFraction \(testFraction), validationFraction \(validationFraction)")
        }
        var trainRows: [Int] = []
        var validationRows: [Int] = []
        var testRows: [Int] = []
        if let labels {
            guard labels.count == rowCount else {
                throw MLOpsError(
                    .invalidArgument, "stratifyBy must have one label per row (\(rowCount))",
                    value: String(labels.count))
            }
            var groups: [Int: [Int]] = [:]
            for (row, label) in labels.enumerated() { groups[label, default: []].append(row) }
            let classes = groups.keys.sorted()
            let counts = classes.map { groups[$0]?.count ?? 0 }
            if let smallest = counts.min(), smallest < 2 {
                throw MLOpsError(
                    .invalidArgument, "a class of stratifyBy has a single row; stratifying needs at least two",
                    value: "class \(classes[counts.firstIndex(of: smallest) ?? 0])")
            }
            guard trainCount >= classes.count, testCount >= classes.count else {
                throw MLOpsError(
                    .invalidArgument,
                    "\(trainCount) training and \(testCount) test rows cannot hold all \(classes.count) classes",
                    value: String(classes.count))
            }
            let trainPerClass = try Self.approximateMode(counts, draws: trainCount, random: &random)
            let left = zip(counts, trainPerClass).map { $0 - $1 }
            let validationPerClass = try Self.approximateMode(left, draws: validationCount, random: &random)
            for (k, label) in classes.enumerated() {
                var rows = groups[label] ?? []
                random.shuffle(&rows)
                let trainEnd = trainPerClass[k]
                let validationEnd = trainEnd + validationPerClass[k]
                trainRows += rows[..<trainEnd]
                validationRows += rows[trainEnd..<validationEnd]
                testRows += rows[validationEnd...]
            }
        } else {
            var rows = Array(0..<rowCount)
            random.shuffle(&rows)
            testRows = Array(rows[..<testCount])
            validationRows = Array(rows[testCount..<(testCount + validationCount)])
            trainRows = Array(rows[(testCount + validationCount)...])
        }
        train = trainRows.sorted()
        validation = validationRows.sorted()
        test = testRows.sorted()
    }

    /// How many of `draws` rows each class gets, in proportion to `counts`: the shares rounded down,
    /// then one more for the classes with the largest remainders, ties broken at random
    /// (scikit-learn's `_approximate_mode`).
    static func approximateMode(_ counts: [Int], draws: Int, random: inout SeededRandom) throws -> [Int] {
        let total = Double(counts.reduce(0, +))
        guard draws > 0, total > 0 else { return counts.map { _ in 0 } }
        let continuous = counts.map { Double($0) / total * Double(draws) }
        var taken = continuous.map { Int($0.rounded(.down)) }
        var needed = draws - taken.reduce(0, +)
        let remainders = zip(continuous, taken).map { $0 - Double($1) }
        for value in Set(remainders).sorted(by: >) where needed > 0 {
            let tied = remainders.indices.filter { remainders[$0] == value && taken[$0] < counts[$0] }
            let chosen = try random.sample(k: Swift.min(tied.count, needed), from: tied)
            for k in chosen { taken[k] += 1 }
            needed -= chosen.count
        }
        return taken
    }
}
