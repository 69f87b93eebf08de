import MLOpsCore
import Testing
import Training

// Expected values: scikit-learn 1.9.1 via Benchmarks/compare/evaluation_expected.py (the same
// inputs as MetricsTests; the output label is in each comment).

private func classTarget(_ classes: [Int], classCount: Int) throws -> TrainingTarget {
    try TrainingTarget(
        name: "label", task: classCount == 2 ? .binary : .multiclass, values: classes.map(Double.init),
        classes: classes, classLabels: (0..<classCount).map(String.init))
}

@Suite struct EvaluationTests {
    @Test func binaryDictionaryMatchesScikitLearn() throws {
        let actual = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0]
        let scores = [0.1, 0.8, 0.35, 0.35, 0.9, 0.2, 0.6, 0.6, 0.5, 0.05, 0.7, 0.4]
        let predictions = try Predictions(probabilities: scores.flatMap { [1 - $0, $0] }, classCount: 2)
        let evaluation = try Evaluation(predictions: predictions, target: classTarget(actual, classCount: 2))
        let expected: [String: Double] = [
            "accuracy": 0.75, "f1_macro": 0.7482517482517483, "roc_auc": 0.888888888888889,
            "log_loss": 0.4313892144022973, "precision_macro": 0.7571428571428571, "recall_macro": 0.75,
            "f1_weighted": 0.7482517482517483, "precision": 0.8, "recall": 0.6666666666666666,
            "f1": 0.7272727272727273, "brier": 0.13895833333333332, "pr_auc": 0.8833333333333333,
        ]
        #expect(Set(evaluation.metrics.keys) == Set(expected.keys))
        #expect(Set(Evaluation.metricNames(for: .binary)) == Set(expected.keys))
        for (name, value) in expected { #expect(close(evaluation[name], value), "\(name)") }
        #expect(evaluation.task == .binary)
        #expect(evaluation.rowCount == 12)
        #expect(evaluation.confusionMatrix?.counts == [5, 1, 2, 4])
    }

    @Test func multiclassDictionaryMatchesScikitLearn() throws {
        let actual = [0, 1, 2, 2, 1, 0, 1, 2, 0, 1]
        let probabilities: [Double] = [
            0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.2, 0.5, 0.3, 0.4, 0.2, 0.4, 0.3, 0.4, 0.3,
            0.5, 0.25, 0.25, 0.2, 0.2, 0.6, 0.1, 0.45, 0.45, 0.34, 0.33, 0.33, 0.05, 0.9, 0.05,
        ]
        let predictions = try Predictions(probabilities: probabilities, classCount: 3)
        let evaluation = try Evaluation(predictions: predictions, target: classTarget(actual, classCount: 3))
        let expected: [String: Double] = [
            "accuracy": 0.6, "f1_macro": 0.5079365079365079, "roc_auc": 0.8075396825396824,
            "log_loss": 0.8189317802020544, "precision_macro": 0.45, "recall_macro": 0.5833333333333334,
            "f1_weighted": 0.5238095238095237,
        ]
        #expect(Set(evaluation.metrics.keys) == Set(expected.keys))
        #expect(Set(Evaluation.metricNames(for: .multiclass)) == Set(expected.keys))
        for (name, value) in expected { #expect(close(evaluation[name], value), "\(name)") }
        #expect(evaluation.confusionMatrix?.counts == [3, 0, 0, 0, 3, 1, 1, 2, 0])
    }

    @Test func undefinedMetricsAreLeftOut() throws {
        // Class 3 of four never occurs in the targets: ROC AUC is undefined (m4_roc_auc_ovr = nan),
        // log loss still counts all four classes (m4_log_loss).
        let p4: [Double] = [0.5, 0.2, 0.2, 0.1, 0.1, 0.6, 0.2, 0.1, 0.2, 0.2, 0.5, 0.1]
        let evaluation = try Evaluation(
            predictions: Predictions(probabilities: p4, classCount: 4), target: classTarget([0, 1, 2], classCount: 4))
        #expect(evaluation["roc_auc"] == nil)
        #expect(close(evaluation["log_loss"], 0.6323733282952938))
        #expect(evaluation["accuracy"] == 1)
        // A single regression row: r2 undefined.
        let one = try Evaluation(
            predictions: Predictions(regression: [3]),
            target: TrainingTarget(name: "y", task: .regression, values: [2], classes: [], classLabels: []))
        #expect(one["r2"] == nil)
        #expect(one["mse"] == 1)
    }

    @Test func regressionDictionaryMatchesScikitLearn() throws {
        let target = try TrainingTarget(
            name: "y", task: .regression, values: [3, -0.5, 2, 7, 4.2, 1.1], classes: [], classLabels: [])
        let evaluation = try Evaluation(
            predictions: Predictions(regression: [2.5, 0.0, 2, 8, 3.9, 1.5]), target: target)
        let expected: [String: Double] = [
            "mse": 0.2916666666666667, "rmse": 0.5400617248673217, "mae": 0.45, "r2": 0.9486200822078684,
        ]
        #expect(Set(evaluation.metrics.keys) == Set(expected.keys))
        #expect(Set(Evaluation.metricNames(for: .regression)) == Set(expected.keys))
        for (name, value) in expected { #expect(close(evaluation[name], value), "\(name)") }
        #expect(evaluation.confusionMatrix == nil)
    }

    @Test func mismatchedInputsAreTypedErrors() throws {
        let binary = try classTarget([0, 1, 1], classCount: 2)
        let regression = try TrainingTarget(
            name: "y", task: .regression, values: [1, 2, 3], classes: [], classLabels: [])
        // A regressor's predictions against classes, and the reverse.
        expectMLOpsError(.invalidArgument, naming: "regression") {
            _ = try Evaluation(predictions: Predictions(regression: [0, 1, 1]), target: binary)
        }
        expectMLOpsError(.invalidArgument, naming: "regression") {
            _ = try Evaluation(
                predictions: Predictions(probabilities: [0.5, 0.5, 1, 0, 0, 1], classCount: 2), target: regression)
        }
        // Row counts.
        expectMLOpsError(.invalidArgument, naming: "2") {
            _ = try Evaluation(
                predictions: Predictions(probabilities: [0.5, 0.5, 1, 0], classCount: 2), target: binary)
        }
        // Class counts.
        expectMLOpsError(.invalidArgument, naming: "3") {
            _ = try Evaluation(
                predictions: Predictions(probabilities: [1, 0, 0, 0, 1, 0, 0, 0, 1], classCount: 3), target: binary)
        }
        // NaN and out-of-range probabilities, rows not summing to 1, NaN regression predictions.
        expectMLOpsError(.invalidArgument, naming: "row 2") {
            _ = try Evaluation(
                predictions: Predictions(probabilities: [0.5, 0.5, 1, 0, .nan, .nan], classCount: 2), target: binary)
        }
        expectMLOpsError(.invalidArgument, naming: "row 1") {
            _ = try Evaluation(
                predictions: Predictions(probabilities: [0.5, 0.5, 1.2, -0.2, 0, 1], classCount: 2), target: binary)
        }
        expectMLOpsError(.invalidArgument, naming: "row 0") {
            _ = try Evaluation(
                predictions: Predictions(probabilities: [0.5, 0.6, 1, 0, 0, 1], classCount: 2), target: binary)
        }
        expectMLOpsError(.invalidArgument, naming: "row 1") {
            _ = try Evaluation(predictions: Predictions(regression: [1, .nan, 3]), target: regression)
        }
    }
}
