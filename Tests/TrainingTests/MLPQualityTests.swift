import MLOpsCore
import Testing
import Training

/// The MLP reaches scikit-learn's quality on the reference datasets (standardised features, the
/// reference recipe: one hidden layer of 64 ReLU units, Adam, up to 500 epochs).
@Suite struct MLPQualityTests {
    @Test func digitsIsWithinTheToleranceOfScikitLearn() throws {
        let (train, test, reference) = try MLPTestSupport.standardised("digits")
        var context = TrainingContext(seed: 0)
        let model = try MLP(maxIter: 500).fit(train, context: &context)
        let accuracy = MLPTestSupport.accuracy(try model.predict(test.features), test.target)
        let floor = try #require(reference["tolerance"]["mlp"]["accuracy_min_strict"].double)
        #expect(accuracy >= floor, "digits accuracy \(accuracy), scikit-learn floor \(floor)")
        #expect(model.layerSizes == [64, 64, 10])
        #expect(model.converged)
        #expect(model.iterationCount < 500)
        #expect(context.reports.count == model.iterationCount)
        #expect(context.reports.last?.metrics["train_loss"] == model.lossCurve.last)
        // The training loss goes down overall (Adam is not monotone batch to batch).
        #expect(try #require(model.lossCurve.last) < model.lossCurve[0] / 10)
    }

    @Test func breastCancerIsWithinTheToleranceOfScikitLearn() throws {
        let (train, test, reference) = try MLPTestSupport.standardised("breast_cancer")
        var context = TrainingContext(seed: 0)
        let model = try MLP(maxIter: 500).fit(train, context: &context)
        let predictions = try model.predict(test.features)
        let accuracy = MLPTestSupport.accuracy(predictions, test.target)
        let floor = try #require(reference["tolerance"]["mlp"]["accuracy_min_strict"].double)
        #expect(accuracy >= floor, "breast_cancer accuracy \(accuracy), scikit-learn floor \(floor)")
        let metrics = try ClassificationMetrics(
            probabilities: predictions.positiveProbabilities, labels: test.target.classes)
        let auc = try #require(metrics.rocAUC)
        let referenceAUC = try #require(reference["mlp"]["test"]["roc_auc"].double)
        #expect(auc >= referenceAUC - 0.01, "ROC AUC \(auc), scikit-learn \(referenceAUC)")
        #expect(model.layerSizes == [30, 64, 1])
        #expect(predictions.classCount == 2)
    }

    /// No reference MLP for diabetes: a sanity check that the regressor learns. scikit-learn's
    /// `MLPRegressor` with these settings (64 ReLU units, Adam, learning rate 0.01, 200 epochs)
    /// reaches a test R² of 0.34–0.35 (seeds 0, 1); ridge reaches 0.41. (With longer training both
    /// overfit the 353 rows: at 1,000 epochs scikit-learn's R² falls to 0.13–0.22.)
    @Test func diabetesRegressionLearns() throws {
        let (train, test, reference) = try MLPTestSupport.standardised("diabetes")
        var context = TrainingContext(seed: 0)
        let model = try MLP(learningRateInit: 0.01, maxIter: 200).fit(train, context: &context)
        #expect(model.task == .regression)
        #expect(model.layerSizes == [10, 64, 1])
        let r2 = MLPTestSupport.r2(try model.predict(test.features), test.target)
        let ridge = try #require(reference["ridge_standardized"]["test"]["r2"].double)
        #expect(r2 > 0.25 && r2 < ridge + 0.05, "R² \(r2), ridge \(ridge)")
    }

    /// Every activation and solver trains: the loss of the last epoch is below the first's.
    @Test(arguments: [
        MLP(activation: .tanh, maxIter: 20), MLP(activation: .logistic, maxIter: 20),
        MLP(activation: .identity, maxIter: 20), MLP(hiddenLayerSizes: [32, 16], maxIter: 20),
        MLP(hiddenLayerSizes: [], learningRateInit: 0.01, maxIter: 20),
        MLP(solver: .sgd, learningRateInit: 0.01, maxIter: 20),
        MLP(solver: .sgd, learningRate: .invscaling, learningRateInit: 0.05, maxIter: 20, nesterovsMomentum: false),
        MLP(solver: .sgd, learningRate: .adaptive, learningRateInit: 0.01, maxIter: 20),
        MLP(batchSize: 64, maxIter: 20, shuffle: false),
    ])
    func everyOptionTrains(_ estimator: MLP) throws {
        let (train, test, _) = try MLPTestSupport.standardised("digits")
        var context = TrainingContext(seed: 3)
        let model = try estimator.fit(train, context: &context)
        #expect(try #require(model.lossCurve.last) < model.lossCurve[0])
        #expect(MLPTestSupport.accuracy(try model.predict(test.features), test.target) > 0.8)
    }

    @Test func earlyStoppingHoldsOutRowsAndStops() throws {
        let (train, test, _) = try MLPTestSupport.standardised("digits")
        var context = TrainingContext(seed: 1)
        let model = try MLP(maxIter: 500, earlyStopping: true).fit(train, context: &context)
        #expect(model.converged)
        #expect(model.iterationCount < 500)
        #expect(model.validationScores.count == model.iterationCount)
        let last = try #require(context.reports.last)
        #expect(last.metrics["validation_accuracy"] == model.validationScores.last)
        #expect(last.metrics["validation_loss"] != nil)
        // It stops after more than n_iter_no_change epochs without a gain of tol.
        let best = try #require(model.validationScores.max())
        let firstBest = try #require(model.validationScores.firstIndex(of: best))
        #expect(model.iterationCount - (firstBest + 1) >= 11)
        #expect(MLPTestSupport.accuracy(try model.predict(test.features), test.target) > 0.93)

        // Regression reports R².
        let (diabetes, _, _) = try MLPTestSupport.standardised("diabetes")
        var regressionContext = TrainingContext(seed: 1)
        let regressor = try MLP(learningRateInit: 0.01, maxIter: 40, earlyStopping: true)
            .fit(diabetes, context: &regressionContext)
        #expect(regressionContext.reports.last?.metrics["validation_r2"] == regressor.validationScores.last)
    }

    @Test func aCallbackStopsTraining() throws {
        let (train, _, _) = try MLPTestSupport.standardised("breast_cancer")
        var context = TrainingContext(seed: 0)
        context.callbacks.append(StopAfter(epochs: 4))
        let model = try MLP(maxIter: 100).fit(train, context: &context)
        #expect(model.iterationCount == 4)
        #expect(context.stoppedByCallback)
        #expect(!model.converged)
    }
}

/// Stops training after a number of epochs.
private struct StopAfter: TrainingCallback {
    let epochs: Int
    mutating func iterationEnded(_ report: IterationReport) -> TrainingDecision {
        report.iteration >= epochs ? .stop : .proceed
    }
}
