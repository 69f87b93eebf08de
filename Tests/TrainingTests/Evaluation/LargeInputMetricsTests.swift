import Testing
import Training

// 1,000-row inputs built from formulas, so scikit-learn sees the same numbers: the scores lie on a
// grid of 101 values (many ties across both classes). Expected values: scikit-learn 1.9.1 via
// Benchmarks/compare/evaluation_expected.py (labels `large_…`), which holds the same formulas.

@Suite struct LargeInputMetricsTests {
    private let n = 1_000

    @Test func binaryMetricsWithManyTiesMatchScikitLearn() throws {
        let scores = (0..<n).map { Double((($0 * 7919) % 101)) / 100 }
        let labels = (0..<n).map { i in (((i * 31) % 7) < 3) != (scores[i] > 0.7 && i % 5 == 0) ? 1 : 0 }
        #expect(close(try Metrics.rocAUC(scores: scores, actual: labels), 0.5144473663887884))
        #expect(close(try Metrics.averagePrecision(scores: scores, actual: labels), 0.44833801314972477))
        #expect(close(try Metrics.logLoss(positiveProbabilities: scores, actual: labels), 1.300010811721098))
        #expect(close(try Metrics.brierScore(positiveProbabilities: scores, actual: labels), 0.3277319))
        let predicted = scores.map { $0 > 0.5 ? 1 : 0 }
        #expect(
            close(
                try Metrics.precisionRecallF1(predicted: predicted, actual: labels, average: .macro).f1,
                0.5126798688556217))
    }

    @Test func multiclassMetricsMatchScikitLearn() throws {
        var probabilities: [Double] = []
        var classes: [Int] = []
        for i in 0..<n {
            let weights = (0..<4).map { k in Double(1 + ((i * (k + 3)) % 5)) }
            let total = weights.reduce(0, +)
            probabilities += weights.map { $0 / total }
            let first = weights.firstIndex(of: weights.max() ?? 0) ?? 0
            classes.append((first + (i % 3 == 0 ? 1 : 0)) % 4)
        }
        #expect(
            close(try Metrics.rocAUC(probabilities: probabilities, classCount: 4, actual: classes), 0.714164152954035))
        #expect(
            close(try Metrics.logLoss(probabilities: probabilities, classCount: 4, actual: classes), 1.2521829286995707)
        )
        let predictions = try Predictions(probabilities: probabilities, classCount: 4)
        let target = try TrainingTarget(
            name: "k", task: .multiclass, values: classes.map(Double.init), classes: classes,
            classLabels: ["a", "b", "c", "d"])
        let evaluation = try Evaluation(predictions: predictions, target: target)
        #expect(close(evaluation["f1_macro"], 0.5478124782353977))
        #expect(close(evaluation["f1_weighted"], 0.6152597945831234))
        #expect(close(evaluation["roc_auc"], 0.714164152954035))
    }

    @Test func regressionMetricsMatchScikitLearn() throws {
        let actual = (0..<n).map { Double(($0 * 37) % 101) / 10 }
        let predicted = actual.indices.map { actual[$0] + Double((($0 * 17) % 11) - 5) / 20 }
        #expect(close(try Metrics.r2(predicted: predicted, actual: actual), 0.9970608819656069))
        #expect(close(try Metrics.meanAbsoluteError(predicted: predicted, actual: actual), 0.1365))
        #expect(close(try Metrics.rootMeanSquaredError(predicted: predicted, actual: actual), 0.15819292019556377))
    }
}
