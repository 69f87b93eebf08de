import MLOpsCore
import Testing
import Training

// Expected folds and sizes: scikit-learn 1.9.1 via Benchmarks/compare/evaluation_expected.py (the
// output label is in each comment). Unshuffled folds are compared index for index; shuffled ones
// by fold size and class counts, since the generators differ.

private func classCounts(_ rows: [Int], _ labels: [Int], classCount: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: classCount)
    for row in rows { counts[labels[row]] += 1 }
    return counts
}

private func isPartition(_ folds: [Fold], rowCount: Int) -> Bool {
    folds.flatMap(\.test).sorted() == Array(0..<rowCount)
        && folds.allSatisfy { Set($0.train).isDisjoint(with: $0.test) && ($0.train + $0.test).count == rowCount }
}

@Suite struct KFoldTests {
    @Test func unshuffledFoldsEqualScikitLearn() throws {
        var random = SeededRandom(seed: 1)
        let folds = try KFold(splits: 3).folds(rowCount: 11, random: &random)
        #expect(folds.map(\.test) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]])  // kfold_11_3
        #expect(folds[1].train == [0, 1, 2, 3, 8, 9, 10])
        #expect(random == SeededRandom(seed: 1))  // no shuffle, no draw
    }

    @Test func shuffledFoldsHaveScikitLearnSizesAndAreSeeded() throws {
        let kfold = try KFold(splits: 5, shuffle: true)
        var a = SeededRandom(seed: 7)
        var b = SeededRandom(seed: 7)
        var c = SeededRandom(seed: 8)
        let folds = try kfold.folds(rowCount: 53, random: &a)
        #expect(folds.map(\.test.count) == [11, 11, 11, 10, 10])  // kfold_shuffled_sizes_53_5
        #expect(isPartition(folds, rowCount: 53))
        #expect(folds.allSatisfy { $0.train == $0.train.sorted() && $0.test == $0.test.sorted() })
        #expect(try kfold.folds(rowCount: 53, random: &b) == folds)
        #expect(try kfold.folds(rowCount: 53, random: &c) != folds)
        #expect(folds.map(\.test) != (try KFold(splits: 5).folds(rowCount: 53, random: &a)).map(\.test))
    }

    @Test func rejectsBadArguments() throws {
        var random = SeededRandom(seed: 0)
        expectMLOpsError(.invalidArgument, naming: "1") { _ = try KFold(splits: 1) }
        expectMLOpsError(.invalidArgument, naming: "4") { _ = try KFold(splits: 5).folds(rowCount: 4, random: &random) }
    }
}

@Suite struct StratifiedKFoldTests {
    @Test func unshuffledFoldsEqualScikitLearn() throws {
        var random = SeededRandom(seed: 0)
        let labels = [2, 0, 1, 0, 0, 1, 2, 0, 0, 1, 1, 0, 2, 0]
        let folds = try StratifiedKFold(splits: 3).folds(labels: labels, random: &random)
        #expect(folds.map(\.test) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13]])  // skfold_14_3
        let skewed = [Int](repeating: 1, count: 7) + [Int](repeating: 0, count: 20) + [2, 2, 2]
        let skewedFolds = try StratifiedKFold(splits: 4).folds(labels: skewed, random: &random)
        #expect(  // skfold_30_4
            skewedFolds.map(\.test) == [
                [0, 1, 7, 8, 9, 10, 11, 27], [2, 3, 12, 13, 14, 15, 16, 28], [4, 5, 17, 18, 19, 20, 21],
                [6, 22, 23, 24, 25, 26, 29],
            ])
        #expect(isPartition(skewedFolds, rowCount: 30))
    }

    @Test func shuffledFoldsKeepScikitLearnClassCounts() throws {
        let labels = [Int](repeating: 0, count: 37) + [Int](repeating: 1, count: 11) + [Int](repeating: 2, count: 5)
        var a = SeededRandom(seed: 3)
        var b = SeededRandom(seed: 3)
        let splitter = try StratifiedKFold(splits: 5, shuffle: true)
        let folds = try splitter.folds(labels: labels, random: &a)
        // skfold_shuffled_53_5
        #expect(
            folds.map { classCounts($0.test, labels, classCount: 3) } == [
                [8, 2, 1], [8, 2, 1], [7, 3, 1], [7, 2, 1], [7, 2, 1],
            ])
        #expect(isPartition(folds, rowCount: 53))
        #expect(try splitter.folds(labels: labels, random: &b) == folds)
        var unshuffled = SeededRandom(seed: 3)
        #expect(try StratifiedKFold(splits: 5).folds(labels: labels, random: &unshuffled) != folds)
    }

    @Test func usesTheTargetsClassesAndRejectsBadInput() throws {
        var random = SeededRandom(seed: 0)
        let target = try TrainingTarget(
            name: "y", task: .binary, values: [0, 1, 0, 1, 0, 1], classes: [0, 1, 0, 1, 0, 1], classLabels: ["a", "b"])
        let features = try FeatureMatrix(rowCount: 6, values: [1, 2, 3, 4, 5, 6], featureNames: ["x"])
        let data = try TrainingData(features: features, target: target)
        let folds = try StratifiedKFold(splits: 3).folds(for: data, random: &random)
        #expect(folds.map { classCounts($0.test, target.classes, classCount: 2) } == [[1, 1], [1, 1], [1, 1]])
        let numeric = try TrainingData(
            features: features,
            target: TrainingTarget(
                name: "y", task: .regression, values: [1, 2, 3, 4, 5, 6], classes: [], classLabels: []))
        expectMLOpsError(.invalidArgument, naming: "y") {
            _ = try StratifiedKFold(splits: 3).folds(for: numeric, random: &random)
        }
        expectMLOpsError(.invalidArgument, naming: "0") { _ = try StratifiedKFold(splits: 0) }
        // Every class smaller than the number of folds (scikit-learn raises too).
        expectMLOpsError(.invalidArgument, naming: "4") {
            _ = try StratifiedKFold(splits: 4).folds(labels: [0, 0, 0, 1, 1, 1], random: &random)
        }
        expectMLOpsError(.invalidArgument, naming: "2") {
            _ = try StratifiedKFold(splits: 3).folds(labels: [0, 1], random: &random)
        }
        // One class large enough is enough; the small one misses some folds (scikit-learn warns).
        let lopsided = try StratifiedKFold(splits: 3).folds(labels: [0, 0, 0, 0, 1], random: &random)
        #expect(lopsided.map(\.test.count) == [2, 2, 1])
    }
}

@Suite struct TimeSeriesSplitTests {
    @Test func foldsEqualScikitLearn() throws {
        // tss_13 {'n_splits': 3}
        let plain = try TimeSeriesSplit(splits: 3).folds(rowCount: 13)
        #expect(plain.map(\.train) == [Array(0...3), Array(0...6), Array(0...9)])
        #expect(plain.map(\.test) == [[4, 5, 6], [7, 8, 9], [10, 11, 12]])
        // tss_13 {'n_splits': 3, 'gap': 1, 'max_train_size': 5}
        let gapped = try TimeSeriesSplit(splits: 3, gap: 1, maxTrainSize: 5).folds(rowCount: 13)
        #expect(gapped.map(\.train) == [[0, 1, 2], [1, 2, 3, 4, 5], [4, 5, 6, 7, 8]])
        #expect(gapped.map(\.test) == [[4, 5, 6], [7, 8, 9], [10, 11, 12]])
        // tss_13 {'n_splits': 4, 'test_size': 2}
        let sized = try TimeSeriesSplit(splits: 4, testSize: 2).folds(rowCount: 13)
        #expect(sized.map(\.train) == [Array(0...4), Array(0...6), Array(0...8), Array(0...10)])
        #expect(sized.map(\.test) == [[5, 6], [7, 8], [9, 10], [11, 12]])
    }

    @Test func rejectsBadArguments() {
        expectMLOpsError(.invalidArgument, naming: "1") { _ = try TimeSeriesSplit(splits: 1) }
        expectMLOpsError(.invalidArgument, naming: "testSize") { _ = try TimeSeriesSplit(testSize: 0) }
        expectMLOpsError(.invalidArgument, naming: "gap") { _ = try TimeSeriesSplit(gap: -1) }
        expectMLOpsError(.invalidArgument, naming: "maxTrainSize") { _ = try TimeSeriesSplit(maxTrainSize: 0) }
        expectMLOpsError(.invalidArgument, naming: "5") { _ = try TimeSeriesSplit(splits: 5).folds(rowCount: 5) }
        // scikit-learn: "Too many splits=3 for number of samples=13 with test_size=4 and gap=1".
        expectMLOpsError(.invalidArgument, naming: "13") {
            _ = try TimeSeriesSplit(splits: 3, testSize: 4, gap: 1).folds(rowCount: 13)
        }
        expectMLOpsError(.invalidArgument, naming: "13") {
            _ = try TimeSeriesSplit(splits: 3, testSize: Int.max / 2).folds(rowCount: 13)
        }
        expectMLOpsError(.invalidArgument, naming: "13") {
            _ = try TimeSeriesSplit(splits: 2, testSize: Int.max / 4, gap: Int.max).folds(rowCount: 13)
        }
    }
}

@Suite struct TrainValidationTestSplitTests {
    @Test func sizesFollowScikitLearnsCeiling() throws {
        // tts: train_test_split test sizes are ceil(test_size × n) in floating point.
        for (rows, fraction, expected) in [(10, 0.3, 3), (100, 0.07, 8), (53, 0.2, 11), (7, 0.5, 4)] {
            var random = SeededRandom(seed: 5)
            let split = try TrainValidationTestSplit(rowCount: rows, testFraction: fraction, random: &random)
            #expect(split.test.count == expected)
            #expect(split.validation.isEmpty)
            #expect((split.train + split.test).sorted() == Array(0..<rows))
        }
        var random = SeededRandom(seed: 5)
        let three = try TrainValidationTestSplit(
            rowCount: 100, validationFraction: 0.15, testFraction: 0.2, random: &random)
        #expect([three.train.count, three.validation.count, three.test.count] == [65, 15, 20])
        #expect((three.train + three.validation + three.test).sorted() == Array(0..<100))
        #expect([three.train, three.validation, three.test].allSatisfy { $0 == $0.sorted() })
    }

    @Test func isSeeded() throws {
        var a = SeededRandom(seed: 11)
        var b = SeededRandom(seed: 11)
        var c = SeededRandom(seed: 12)
        let labels = (0..<200).map { $0 % 3 }
        let first = try TrainValidationTestSplit(
            rowCount: 200, validationFraction: 0.1, testFraction: 0.2, stratifyBy: labels, random: &a)
        #expect(
            first
                == (try TrainValidationTestSplit(
                    rowCount: 200, validationFraction: 0.1, testFraction: 0.2, stratifyBy: labels, random: &b)))
        #expect(
            first
                != (try TrainValidationTestSplit(
                    rowCount: 200, validationFraction: 0.1, testFraction: 0.2, stratifyBy: labels, random: &c)))
        // The generator moved on: a second split from it differs.
        #expect(
            first
                != (try TrainValidationTestSplit(
                    rowCount: 200, validationFraction: 0.1, testFraction: 0.2, stratifyBy: labels, random: &a)))
    }

    @Test func stratifiedClassCountsEqualScikitLearn() throws {
        let labels = [Int](repeating: 0, count: 37) + [Int](repeating: 1, count: 11) + [Int](repeating: 2, count: 5)
        // sss: StratifiedShuffleSplit(test_size=t) class counts of the training and test parts.
        let expected: [(Double, [Int], [Int])] = [
            (0.2, [29, 9, 4], [8, 2, 1]), (0.3, [26, 8, 3], [11, 3, 2]), (0.25, [27, 8, 4], [10, 3, 1]),
        ]
        for (fraction, train, test) in expected {
            var random = SeededRandom(seed: 2)
            let split = try TrainValidationTestSplit(
                rowCount: 53, testFraction: fraction, stratifyBy: labels, random: &random)
            #expect(classCounts(split.train, labels, classCount: 3) == train)
            #expect(classCounts(split.test, labels, classCount: 3) == test)
        }
        // Three parts: each keeps the class shares (remainders go to the largest, here no ties).
        var random = SeededRandom(seed: 2)
        let labels3 = (0..<200).map { $0 < 100 ? 0 : ($0 < 160 ? 1 : 2) }  // 100 / 60 / 40
        let three = try TrainValidationTestSplit(
            rowCount: 200, validationFraction: 0.25, testFraction: 0.25, stratifyBy: labels3, random: &random)
        #expect(classCounts(three.train, labels3, classCount: 3) == [50, 30, 20])
        #expect(classCounts(three.validation, labels3, classCount: 3) == [25, 15, 10])
        #expect(classCounts(three.test, labels3, classCount: 3) == [25, 15, 10])
        #expect((three.train + three.validation + three.test).sorted() == Array(0..<200))
    }

    @Test func rejectsBadArguments() {
        var random = SeededRandom(seed: 0)
        expectMLOpsError(.invalidArgument, naming: "testFraction") {
            _ = try TrainValidationTestSplit(rowCount: 10, testFraction: 0, random: &random)
        }
        expectMLOpsError(.invalidArgument, naming: "nan") {
            _ = try TrainValidationTestSplit(rowCount: 10, testFraction: .nan, random: &random)
        }
        expectMLOpsError(.invalidArgument, naming: "validationFraction") {
            _ = try TrainValidationTestSplit(rowCount: 10, validationFraction: -0.1, testFraction: 0.2, random: &random)
        }
        expectMLOpsError(.invalidArgument, naming: "no training rows") {
            _ = try TrainValidationTestSplit(rowCount: 10, validationFraction: 0.5, testFraction: 0.5, random: &random)
        }
        expectMLOpsError(.invalidArgument, naming: "1") {
            _ = try TrainValidationTestSplit(rowCount: 1, testFraction: 0.5, random: &random)
        }
        expectMLOpsError(.invalidArgument, naming: "3") {
            _ = try TrainValidationTestSplit(rowCount: 4, testFraction: 0.5, stratifyBy: [0, 1, 1], random: &random)
        }
        expectMLOpsError(.invalidArgument, naming: "class 2") {
            _ = try TrainValidationTestSplit(
                rowCount: 5, testFraction: 0.4, stratifyBy: [0, 0, 1, 1, 2], random: &random)
        }
        // Fewer test rows than classes (scikit-learn raises too).
        expectMLOpsError(.invalidArgument, naming: "3") {
            _ = try TrainValidationTestSplit(
                rowCount: 6, testFraction: 0.2, stratifyBy: [0, 0, 1, 1, 2, 2], random: &random)
        }
    }
}
