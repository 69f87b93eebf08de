import MLOpsCore
import Testing
import Training

/// Two well-separated clusters per class along x; `classCount` classes, `perClass` rows each.
private func clusters(classCount: Int, perClass: Int) throws -> TrainingData {
    var values: [Double] = []
    var classes: [Int] = []
    for row in 0..<(classCount * perClass) {
        let k = row % classCount
        values += [Double(k) * 10 + Double(row % 7) * 0.1, Double(row % 3)]
        classes.append(k)
    }
    let target = try TrainingTarget(
        name: "label", task: classCount == 2 ? .binary : .multiclass, values: classes.map(Double.init),
        classes: classes, classLabels: (0..<classCount).map { "c\($0)" })
    return try TrainingData(
        features: FeatureMatrix(rowCount: classes.count, values: values, featureNames: ["x", "y"]), target: target)
}

private func regressionData(_ targets: [Double]) throws -> TrainingData {
    try TrainingData(
        features: FeatureMatrix(rowCount: targets.count, values: targets.indices.map(Double.init), featureNames: ["i"]),
        target: TrainingTarget(name: "y", task: .regression, values: targets, classes: [], classLabels: []))
}

@Suite struct CrossValidationTests {
    @Test func regressionFoldsScoreTheHeldOutRows() throws {
        let targets: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        let data = try regressionData(targets)
        var context = TrainingContext(seed: 1)
        let result = try crossValidate(
            estimator: MeanRegressor(), data: data, splitter: KFold(splits: 3), context: &context)
        #expect(result.estimator == "mean")
        #expect(result.folds.map(\.testCount) == [3, 3, 3])
        #expect(result.folds.map(\.trainCount) == [6, 6, 6])
        // Fold 0 tests rows 0...2 (targets 1, 2, 3) with the mean of 4...9 = 6.5.
        #expect(close(result.folds[0].metrics["mae"], (5.5 + 4.5 + 3.5) / 3))
        #expect(close(result.folds[0].metrics["mse"], (5.5 * 5.5 + 4.5 * 4.5 + 3.5 * 3.5) / 3))
        // Fold 1 tests 4, 5, 6 with the mean of the others, 5: errors 1, 0, 1.
        #expect(close(result.folds[1].metrics["mae"], 2.0 / 3))
        let maes = result.folds.compactMap { $0.metrics["mae"] }
        let mean = maes.reduce(0, +) / 3
        #expect(close(result.mean["mae"], mean))
        #expect(
            close(result.standardDeviation["mae"], (maes.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 3).squareRoot())
        )
        #expect(Set(result.mean.keys) == ["mse", "rmse", "mae", "r2"])
    }

    @Test func classifierFoldsUseFreshFitsAndStratifiedFolds() throws {
        let data = try clusters(classCount: 3, perClass: 20)
        var context = TrainingContext(seed: 4)
        let result = try crossValidate(
            estimator: NearestCentroid(), data: data, splitter: StratifiedKFold(splits: 4, shuffle: true),
            context: &context)
        #expect(result.folds.count == 4)
        #expect(result.folds.map(\.testCount) == [15, 15, 15, 15])
        #expect(result.folds.allSatisfy { $0.evaluation.confusionMatrix?.actualCounts == [5, 5, 5] })
        #expect(result.mean["accuracy"] == 1)
        #expect(result.standardDeviation["accuracy"] == 0)
        #expect(Set(result.mean.keys) == Set(Evaluation.metricNames(for: .multiclass)))
        // Each fold fitted once, with a generator of its own.
        #expect(result.folds.allSatisfy { $0.reports.count == 1 })
        #expect(Set(result.folds.compactMap { $0.reports.first?.metrics["probe"] }).count == 4)
    }

    @Test func isDeterministicForASeed() throws {
        let data = try clusters(classCount: 2, perClass: 25)
        func run(seed: UInt64, threads: Int) throws -> CrossValidation {
            var context = TrainingContext(seed: seed, threads: threads)
            return try crossValidate(
                estimator: NearestCentroid(), data: data, splitter: KFold(splits: 5, shuffle: true), context: &context)
        }
        let first = try run(seed: 9, threads: 1)
        #expect(try run(seed: 9, threads: 2) == first)
        #expect(try run(seed: 10, threads: 1) != first)
        #expect(Set(first.mean.keys) == Set(Evaluation.metricNames(for: .binary)))
    }

    @Test func explicitFoldsAreChecked() throws {
        let data = try regressionData([1, 2, 3, 4])
        var context = TrainingContext(seed: 0)
        expectMLOpsError(.invalidArgument, naming: "0") {
            _ = try crossValidate(estimator: MeanRegressor(), data: data, folds: [], context: &context)
        }
        expectMLOpsError(.invalidArgument, naming: "fold 1") {
            _ = try crossValidate(
                estimator: MeanRegressor(), data: data,
                folds: [Fold(train: [0, 1], test: [2, 3]), Fold(train: [0, 1, 2, 3], test: [])], context: &context)
        }
        expectMLOpsError(.invalidArgument, naming: "fold 0: 4") {
            _ = try crossValidate(
                estimator: MeanRegressor(), data: data, folds: [Fold(train: [0, 1], test: [4])], context: &context)
        }
        // A time-series split through the same entry point.
        let series = try regressionData((0..<12).map(Double.init))
        let result = try crossValidate(
            estimator: MeanRegressor(), data: series, splitter: TimeSeriesSplit(splits: 3), context: &context)
        #expect(result.folds.map(\.trainCount) == [3, 6, 9])
        // The estimator's errors come through: nearest centroid rejects a regression target.
        expectMLOpsError(.invalidArgument, naming: "y") {
            _ = try crossValidate(
                estimator: NearestCentroid(), data: series, splitter: KFold(splits: 2), context: &context)
        }
    }
}
