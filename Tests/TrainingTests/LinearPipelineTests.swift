import InferenceCore
import MLOpsCore
import Testing
import Training

/// The linear estimators inside a `FeaturePipeline` with a `StandardScaler`, as `mlops train`
/// runs them: the scikit-learn reference coefficients, and one exported model that predicts as
/// the in-process pipeline.
@Suite struct LinearPipelineTests {
    @Test func scaledLogisticPipelineMatchesScikitLearnAndItsExport() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        let estimator = LogisticRegression(c: 1, maxIterations: 10_000, tolerance: 1e-10)
        var context = TrainingContext(seed: 0)
        let fitted = try FeaturePipeline(steps: [StandardScaler()], estimator: estimator)
            .fit(dataset.train, target: "target", context: &context)
        let model = try #require(fitted.estimator as? FittedLogisticRegression)
        let exact = dataset.reference["logistic_regression"]["high_accuracy_solution"]
        #expect(LinearTestSupport.maxDifference(model.coefficients[0], try #require(exact["coef"].doubles)) <= 1e-6)
        #expect(abs(model.intercepts[0] - exact["intercept"].double!) <= 1e-6)

        let test = try dataset.test
        let inProcess = try fitted.predictions(test).positiveProbabilities
        let exported = try fitted.predict(test).doubles(column: "probability")
        #expect(LinearTestSupport.maxDifference(exported, inProcess) <= 1e-5)
    }

    @Test func scaledRidgePipelineMatchesScikitLearnAndItsExport() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        var context = TrainingContext(seed: 0)
        let fitted = try FeaturePipeline(steps: [StandardScaler()], estimator: Ridge(alpha: 1))
            .fit(dataset.train, target: "target", context: &context)
        let model = try #require(fitted.estimator as? FittedRidge)
        let reference = dataset.reference["ridge_standardized"]
        #expect(LinearTestSupport.maxDifference(model.coefficients, try #require(reference["coef"].doubles)) <= 1e-6)
        #expect(abs(model.intercept - reference["intercept"].double!) <= 1e-6)

        let test = try dataset.test
        let inProcess = try fitted.predictions(test).values
        let exported = try fitted.predict(test).doubles(column: "prediction")
        let worst = zip(exported, inProcess).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst <= 1e-5)
    }
}
