import MLOpsCore
import Testing
import Training

@Suite struct TrainTestSplitTests {
    @Test func isADeterministicPartition() throws {
        let a = try TrainTestSplit(rowCount: 1_000, testFraction: 0.2, seed: 9)
        let b = try TrainTestSplit(rowCount: 1_000, testFraction: 0.2, seed: 9)
        let c = try TrainTestSplit(rowCount: 1_000, testFraction: 0.2, seed: 10)
        #expect(a == b)
        #expect(a != c)
        #expect(a.test.count == 200)
        #expect(Set(a.train).isDisjoint(with: a.test))
        #expect((a.train + a.test).sorted() == Array(0..<1_000))
    }

    @Test func stratificationKeepsClassShares() throws {
        let labels = (0..<1_000).map { $0 % 10 == 0 ? 1 : 0 }
        let split = try TrainTestSplit(rowCount: 1_000, testFraction: 0.3, seed: 1, stratifyBy: labels)
        #expect(split.test.filter { labels[$0] == 1 }.count == 30)
        #expect(split.test.count == 300)
    }

    @Test func rejectsBadArguments() throws {
        #expect(throws: MLOpsError.invalidArgument) { try TrainTestSplit(rowCount: 1, testFraction: 0.5, seed: 0) }
        #expect(throws: MLOpsError.invalidArgument) { try TrainTestSplit(rowCount: 10, testFraction: 1, seed: 0) }
        #expect(throws: MLOpsError.invalidArgument) { try TrainTestSplit(rowCount: 10, testFraction: .nan, seed: 0) }
        #expect(throws: MLOpsError.invalidArgument) {
            try TrainTestSplit(rowCount: 10, testFraction: 0.5, seed: 0, stratifyBy: [1])
        }
        // Tiny fractions still leave one test row; huge ones one training row.
        #expect(try TrainTestSplit(rowCount: 3, testFraction: 0.01, seed: 0).test.count == 1)
        #expect(try TrainTestSplit(rowCount: 3, testFraction: 0.99, seed: 0).train.count == 1)
    }
}

@Suite struct MetricsTests {
    @Test func regressionMetricsMatchHandComputedValues() throws {
        let metrics = try RegressionMetrics(predictions: [2.5, 0.0, 2, 8], targets: [3, -0.5, 2, 7])
        #expect(metrics.meanSquaredError == 0.375)
        #expect(metrics.meanAbsoluteError == 0.5)
        #expect(abs(metrics.r2 - 0.9486081370449679) < 1e-12)  // scikit-learn's r2_score example
        #expect(throws: MLOpsError.invalidArgument) { try RegressionMetrics(predictions: [1], targets: [.nan]) }
        #expect(throws: MLOpsError.invalidArgument) { try RegressionMetrics(predictions: [], targets: []) }
    }

    @Test func classificationMetricsMatchScikitLearn() throws {
        // roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) == 0.75; log_loss == 0.47228795...
        let metrics = try ClassificationMetrics(probabilities: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1])
        #expect(metrics.rocAUC == 0.75)
        #expect(abs(metrics.logLoss - 0.4722879) < 1e-6)
        #expect(metrics.accuracy == 0.75)
        #expect(try ClassificationMetrics(probabilities: [0.5], labels: [1]).rocAUC == nil)
        #expect(throws: MLOpsError.invalidArgument) { try ClassificationMetrics(probabilities: [1.5], labels: [1]) }
        #expect(throws: MLOpsError.invalidArgument) { try ClassificationMetrics(probabilities: [0.5], labels: [2]) }
    }
}
