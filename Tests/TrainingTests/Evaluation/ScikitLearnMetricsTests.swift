import MLOpsCore
import Testing
import Training

// Every expected value below was printed by scikit-learn 1.9.1 (numpy 2.4.6) running
// Benchmarks/compare/evaluation_expected.py on the same inputs; the names in the comments are that
// script's output labels. Tolerances of 1e-12 allow for summation order only.

/// The binary example: ties in the scores (0.35 and 0.6 are each shared by a 0 and a 1) and a score
/// of exactly 0.5, which the argmax of [1 − p, p] (first on ties) predicts as class 0.
private let binaryActual = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0]
private let binaryScores = [0.1, 0.8, 0.35, 0.35, 0.9, 0.2, 0.6, 0.6, 0.5, 0.05, 0.7, 0.4]
private let binaryPredicted = [0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0]

/// The multiclass example: three classes, rows with tied probabilities.
private let multiActual = [0, 1, 2, 2, 1, 0, 1, 2, 0, 1]
private let multiProbabilities: [Double] = [
    0.7, 0.2, 0.1, 0.1, 0.6, 0.3, 0.2, 0.5, 0.3, 0.4, 0.2, 0.4, 0.3, 0.4, 0.3,
    0.5, 0.25, 0.25, 0.2, 0.2, 0.6, 0.1, 0.45, 0.45, 0.34, 0.33, 0.33, 0.05, 0.9, 0.05,
]
private let multiPredicted = [0, 1, 1, 0, 1, 0, 2, 1, 0, 1]

@Suite struct ScikitLearnMetricsTests {
    @Test func binaryLabelMetricsMatchScikitLearn() throws {
        #expect(try Metrics.accuracy(predicted: binaryPredicted, actual: binaryActual) == 0.75)
        let binary = try Metrics.precisionRecallF1(predicted: binaryPredicted, actual: binaryActual, average: .binary)
        #expect(close(binary.precision, 0.8))
        #expect(close(binary.recall, 0.6666666666666666))
        #expect(close(binary.f1, 0.7272727272727273))
        let macro = try Metrics.precisionRecallF1(predicted: binaryPredicted, actual: binaryActual, average: .macro)
        #expect(close(macro.precision, 0.7571428571428571))
        #expect(close(macro.recall, 0.75))
        #expect(close(macro.f1, 0.7482517482517483))
        let weighted = try Metrics.precisionRecallF1(
            predicted: binaryPredicted, actual: binaryActual, average: .weighted)
        #expect(close(weighted.precision, 0.7571428571428571))
        #expect(close(weighted.recall, 0.75))
        #expect(close(weighted.f1, 0.7482517482517483))
        let matrix = try ConfusionMatrix(predicted: binaryPredicted, actual: binaryActual, classCount: 2)
        #expect(matrix.counts == [5, 1, 2, 4])  // confusion
        #expect(matrix[actual: 1, predicted: 0] == 2)
        #expect(matrix.actualCounts == [6, 6])
        #expect(matrix.predictedCounts == [7, 5])
        #expect(matrix.total == 12)
    }

    @Test func binaryProbabilityMetricsMatchScikitLearn() throws {
        #expect(close(try Metrics.rocAUC(scores: binaryScores, actual: binaryActual), 0.888888888888889))
        #expect(close(try Metrics.averagePrecision(scores: binaryScores, actual: binaryActual), 0.8833333333333333))
        #expect(
            close(try Metrics.logLoss(positiveProbabilities: binaryScores, actual: binaryActual), 0.4313892144022973))
        let twoColumns = binaryScores.flatMap { [1 - $0, $0] }
        #expect(
            close(
                try Metrics.logLoss(probabilities: twoColumns, classCount: 2, actual: binaryActual), 0.4313892144022973)
        )
        #expect(
            close(
                try Metrics.brierScore(positiveProbabilities: binaryScores, actual: binaryActual), 0.13895833333333332))
        // Decision values (any finite scores) with a tie: roc_auc_decision_values, average_precision_…
        let values = [-2.5, 3.0, 0.1, 0.1, 7.0]
        #expect(close(try Metrics.rocAUC(scores: values, actual: [0, 1, 1, 0, 1]), 0.9166666666666666))
        #expect(close(try Metrics.averagePrecision(scores: values, actual: [0, 1, 1, 0, 1]), 0.9166666666666665))
        // All scores tied: roc_auc_all_tied, average_precision_all_tied.
        #expect(try Metrics.rocAUC(scores: [0.5, 0.5, 0.5, 0.5], actual: [0, 1, 0, 1]) == 0.5)
        #expect(try Metrics.averagePrecision(scores: [0.5, 0.5, 0.5, 0.5], actual: [0, 1, 0, 1]) == 0.5)
    }

    @Test func logLossClipsToMachineEpsilon() throws {
        // log_loss_extreme: probabilities 0 and 1 are clipped to [eps, 1 − eps], eps = 2.22e-16.
        #expect(
            close(
                try Metrics.logLoss(positiveProbabilities: [0.0, 1.0, 0.0, 0.3], actual: [0, 1, 1, 0]),
                9.100082083263972))
        // log_loss_perfect: −ln(1 − eps) = eps to double precision.
        #expect(
            close(try Metrics.logLoss(positiveProbabilities: [0.0, 1.0], actual: [0, 1]), 2.220446049250313e-16))
        #expect(Metrics.logLossEpsilon == 2.220446049250313e-16)
    }

    @Test func zeroDivisionAndUndefinedCases() throws {
        // Nothing predicted positive: precision_none_predicted, f1_none_predicted, f1_macro_none_predicted.
        let none = try Metrics.precisionRecallF1(predicted: [0, 0, 0], actual: [0, 1, 1], average: .binary)
        #expect(none.precision == 0)
        #expect(none.recall == 0)
        #expect(none.f1 == 0)
        #expect(
            close(
                try Metrics.precisionRecallF1(predicted: [0, 0, 0], actual: [0, 1, 1], average: .macro).f1, 0.25))
        // No true positives at all: recall_no_positives.
        #expect(try Metrics.precisionRecallF1(predicted: [0, 1, 0], actual: [0, 0, 0], average: .binary).recall == 0)
        // average_precision_no_positives = 0.0; roc_auc_one_class = nan (nil here).
        #expect(try Metrics.averagePrecision(scores: [0.1, 0.2, 0.3], actual: [0, 0, 0]) == 0)
        #expect(try Metrics.rocAUC(scores: [0.1, 0.2, 0.3], actual: [1, 1, 1]) == nil)
        #expect(try Metrics.rocAUC(scores: [0.1, 0.2, 0.3], actual: [0, 0, 0]) == nil)
        // m_f1_macro_present: only classes that occur are averaged by default.
        #expect(
            close(
                try Metrics.precisionRecallF1(predicted: [0, 1, 0, 0], actual: [0, 1, 1, 0], average: .macro).f1,
                0.7333333333333334))
    }

    @Test func multiclassMetricsMatchScikitLearn() throws {
        #expect(close(try Metrics.accuracy(predicted: multiPredicted, actual: multiActual), 0.6))
        let macro = try Metrics.precisionRecallF1(predicted: multiPredicted, actual: multiActual, average: .macro)
        #expect(close(macro.precision, 0.45))
        #expect(close(macro.recall, 0.5833333333333334))
        #expect(close(macro.f1, 0.5079365079365079))
        let weighted = try Metrics.precisionRecallF1(predicted: multiPredicted, actual: multiActual, average: .weighted)
        #expect(close(weighted.precision, 0.465))
        #expect(close(weighted.recall, 0.6))
        #expect(close(weighted.f1, 0.5238095238095237))
        #expect(
            close(
                try Metrics.rocAUC(probabilities: multiProbabilities, classCount: 3, actual: multiActual),
                0.8075396825396824))
        #expect(
            close(
                try Metrics.logLoss(probabilities: multiProbabilities, classCount: 3, actual: multiActual),
                0.8189317802020544))
        let matrix = try ConfusionMatrix(predicted: multiPredicted, actual: multiActual, classCount: 3)
        #expect(matrix.counts == [3, 0, 0, 0, 3, 1, 1, 2, 0])  // m_confusion
        // A class in neither input, listed in labels: m_f1_macro_labels4, m_f1_weighted_labels4.
        let four = try Metrics.precisionRecallF1(
            predicted: multiPredicted, actual: multiActual, average: .macro, labels: [0, 1, 2, 3])
        #expect(close(four.f1, 0.38095238095238093))
        let fourWeighted = try Metrics.precisionRecallF1(
            predicted: multiPredicted, actual: multiActual, average: .weighted, labels: [0, 1, 2, 3])
        #expect(close(fourWeighted.f1, 0.5238095238095237))
        // Class 2 never predicted: m6_*.
        let six = try Metrics.precisionRecallF1(
            predicted: [0, 1, 1, 1, 1, 0], actual: [0, 1, 2, 2, 1, 0], average: .macro)
        #expect(close(six.precision, 0.5))
        #expect(close(six.recall, 0.6666666666666666))
        #expect(close(six.f1, 0.5555555555555555))
        let sixWeighted = try Metrics.precisionRecallF1(
            predicted: [0, 1, 1, 1, 1, 0], actual: [0, 1, 2, 2, 1, 0], average: .weighted)
        #expect(close(sixWeighted.f1, 0.5555555555555555))
        // Four classes, class 3 absent from the targets: m4_log_loss; m4_roc_auc_ovr = nan (nil here).
        let p4: [Double] = [0.5, 0.2, 0.2, 0.1, 0.1, 0.6, 0.2, 0.1, 0.2, 0.2, 0.5, 0.1]
        #expect(close(try Metrics.logLoss(probabilities: p4, classCount: 4, actual: [0, 1, 2]), 0.6323733282952938))
        #expect(try Metrics.rocAUC(probabilities: p4, classCount: 4, actual: [0, 1, 2]) == nil)
    }

    @Test func regressionMetricsMatchScikitLearn() throws {
        let actual = [3, -0.5, 2, 7, 4.2, 1.1]
        let predicted = [2.5, 0.0, 2, 8, 3.9, 1.5]
        #expect(close(try Metrics.meanSquaredError(predicted: predicted, actual: actual), 0.2916666666666667))
        #expect(close(try Metrics.rootMeanSquaredError(predicted: predicted, actual: actual), 0.5400617248673217))
        #expect(close(try Metrics.meanAbsoluteError(predicted: predicted, actual: actual), 0.45))
        #expect(close(try Metrics.r2(predicted: predicted, actual: actual), 0.9486200822078684))
        // r2_constant_exact, r2_constant_wrong, r2_one_row (nan → nil), r2_negative.
        #expect(try Metrics.r2(predicted: [2, 2, 2], actual: [2, 2, 2]) == 1)
        #expect(try Metrics.r2(predicted: [2, 2, 3], actual: [2, 2, 2]) == 0)
        #expect(try Metrics.r2(predicted: [3], actual: [2]) == nil)
        #expect(close(try Metrics.r2(predicted: [3, 2, 1], actual: [1, 2, 3]), -3))
    }

    @Test func malformedInputIsATypedErrorNamingTheRow() {
        expectMLOpsError(.invalidArgument, naming: "0 vs 0") { _ = try Metrics.accuracy(predicted: [], actual: []) }
        expectMLOpsError(.invalidArgument, naming: "2 vs 1") {
            _ = try Metrics.accuracy(predicted: [0, 1], actual: [0])
        }
        expectMLOpsError(.invalidArgument, naming: "row 2") {
            _ = try Metrics.precisionRecallF1(predicted: [0, 1, 2], actual: [0, 1, 1], average: .binary)
        }
        expectMLOpsError(.invalidArgument, naming: "row 1") {
            _ = try Metrics.rocAUC(scores: [0.1, .nan, 0.3], actual: [0, 1, 1])
        }
        expectMLOpsError(.invalidArgument, naming: "row 2") {
            _ = try Metrics.averagePrecision(scores: [0.1, 0.2, .infinity], actual: [0, 1, 1])
        }
        expectMLOpsError(.invalidArgument, naming: "row 0") {
            _ = try Metrics.logLoss(positiveProbabilities: [1.5, 0.2], actual: [0, 1])
        }
        expectMLOpsError(.invalidArgument, naming: "row 1") {
            _ = try Metrics.brierScore(positiveProbabilities: [0.5, .nan], actual: [0, 1])
        }
        expectMLOpsError(.invalidArgument, naming: "row 1") {
            _ = try Metrics.logLoss(probabilities: [0.5, 0.5, 0.2, .nan], classCount: 2, actual: [0, 1])
        }
        expectMLOpsError(.invalidArgument, naming: "row 1") {
            _ = try Metrics.logLoss(probabilities: [0.5, 0.5, 0.2, 0.8], classCount: 2, actual: [0, 2])
        }
        // Rows that do not sum to 1 (multiclass ROC AUC): scikit-learn raises too.
        expectMLOpsError(.invalidArgument, naming: "row 1") {
            _ = try Metrics.rocAUC(probabilities: [0.5, 0.3, 0.2, 0.5, 0.3, 0.3], classCount: 3, actual: [0, 1])
        }
        expectMLOpsError(.invalidArgument, naming: "5") {
            _ = try Metrics.rocAUC(probabilities: [0.5, 0.3, 0.2, 0.5, 0.3], classCount: 3, actual: [0, 1])
        }
        expectMLOpsError(.invalidArgument, naming: "row 0") {
            _ = try Metrics.meanSquaredError(predicted: [.nan, 1], actual: [1, 1])
        }
        expectMLOpsError(.invalidArgument, naming: "row 1") {
            _ = try Metrics.r2(predicted: [1, 1], actual: [1, -.infinity])
        }
        expectMLOpsError(.invalidArgument, naming: "row 3") {
            _ = try ConfusionMatrix(predicted: [0, 1, 1, 3], actual: [0, 1, 0, 1], classCount: 3)
        }
        expectMLOpsError(.invalidArgument, naming: "1") {
            _ = try ConfusionMatrix(predicted: [0], actual: [0], classCount: 1)
        }
        expectMLOpsError(.invalidArgument, naming: "[]") {
            _ = try Metrics.precisionRecallF1(predicted: [0], actual: [0], average: .macro, labels: [])
        }
    }
}

@Suite struct SummaryMetricsTests {
    @Test func classificationMetricsMatchScikitLearn() throws {
        let metrics = try ClassificationMetrics(probabilities: binaryScores, labels: binaryActual)
        // Threshold 0.5 counts the score 0.5 (a row of class 1) as class 1, unlike the argmax.
        #expect(close(metrics.accuracy, 10.0 / 12))
        #expect(close(metrics.logLoss, 0.4313892144022973))
        #expect(close(metrics.rocAUC, 0.888888888888889))
        #expect(metrics.count == 12)
        let strict = try ClassificationMetrics(probabilities: binaryScores, labels: binaryActual, threshold: 0.55)
        #expect(strict.accuracy == 0.75)
        #expect(try ClassificationMetrics(probabilities: [0.5], labels: [1]).rocAUC == nil)
        #expect(throws: MLOpsError.invalidArgument) { try ClassificationMetrics(probabilities: [], labels: []) }
        #expect(throws: MLOpsError.invalidArgument) { try ClassificationMetrics(probabilities: [0.1], labels: [0, 1]) }
        #expect(throws: MLOpsError.invalidArgument) { try ClassificationMetrics(probabilities: [.nan], labels: [1]) }
        #expect(throws: MLOpsError.invalidArgument) { try ClassificationMetrics(probabilities: [-0.1], labels: [1]) }
    }

    @Test func regressionMetricsMatchScikitLearn() throws {
        let metrics = try RegressionMetrics(
            predictions: [2.5, 0.0, 2, 8, 3.9, 1.5], targets: [3, -0.5, 2, 7, 4.2, 1.1])
        #expect(close(metrics.meanSquaredError, 0.2916666666666667))
        #expect(close(metrics.rootMeanSquaredError, 0.5400617248673217))
        #expect(close(metrics.meanAbsoluteError, 0.45))
        #expect(close(metrics.r2, 0.9486200822078684))
        #expect(metrics.count == 6)
        #expect(try RegressionMetrics(predictions: [2, 2], targets: [2, 2]).r2 == 1)
        #expect(try RegressionMetrics(predictions: [3], targets: [2]).r2.isNaN)
        #expect(throws: MLOpsError.invalidArgument) { try RegressionMetrics(predictions: [1], targets: [2, 3]) }
        #expect(throws: MLOpsError.invalidArgument) { try RegressionMetrics(predictions: [.infinity], targets: [2]) }
    }
}
