import InferenceCore
import MLOpsCore
import Testing
import Training

/// Ridge and ordinary least squares against scikit-learn's `Ridge` and `LinearRegression` on the
/// diabetes reference, plus the rank-deficient and bad-input cases.
@Suite struct RidgeTests {
    /// The required agreement with scikit-learn's coefficients (issue 12).
    static let coefficientTolerance = 1e-6

    private func check(
        _ fitted: FittedRidge, against reference: JSONValue, metrics: JSONValue, test: TrainingData
    ) throws {
        let coef = try #require(reference["coef"].doubles)
        let intercept = try #require(reference["intercept"].double)
        let difference = LinearTestSupport.maxDifference(fitted.coefficients, coef)
        #expect(difference <= Self.coefficientTolerance, "largest coefficient difference \(difference)")
        #expect(abs(fitted.intercept - intercept) <= Self.coefficientTolerance)
        let predictions = try fitted.predict(test.features).values
        let measured = LinearTestSupport.regressionMetrics(predictions, test.target.values)
        let expected = metrics["expected"]
        #expect(abs(measured.rmse - expected["rmse"].double!) <= metrics["rmse_abs_tol"].double!)
        #expect(abs(measured.mae - expected["mae"].double!) <= metrics["mae_abs_tol"].double!)
        #expect(abs(measured.r2 - expected["r2"].double!) <= metrics["r2_abs_tol"].double!)
    }

    @Test func ridgeOnRawFeaturesMatchesScikitLearn() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        var context = TrainingContext(seed: 0)
        let fitted = try Ridge().fit(dataset.trainData(), context: &context)
        try check(
            fitted, against: dataset.reference["ridge_raw"],
            metrics: dataset.reference["tolerance"]["metrics"]["ridge_raw"],
            test: dataset.testData())
    }

    @Test func ridgeOnStandardisedFeaturesMatchesScikitLearn() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        // Our population-std scaler is the reference's.
        let (mean, scale) = LinearTestSupport.scaler(try dataset.trainData().features)
        let scaler = dataset.reference["preprocessing"]["standard_scaler"]
        #expect(LinearTestSupport.maxDifference(mean, try #require(scaler["mean"].doubles)) < 1e-15)
        #expect(LinearTestSupport.maxDifference(scale, try #require(scaler["scale"].doubles)) < 1e-15)
        let (train, test) = try LinearTestSupport.standardisedData(dataset)
        var context = TrainingContext(seed: 0)
        let fitted = try Ridge(alpha: 1).fit(train, context: &context)
        try check(
            fitted, against: dataset.reference["ridge_standardized"],
            metrics: dataset.reference["tolerance"]["metrics"]["ridge_standardized"], test: test)
    }

    @Test func ordinaryLeastSquaresMatchesLinearRegression() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        var context = TrainingContext(seed: 0)
        let fitted = try Ridge(parameters: ["alpha": "0"]).fit(dataset.trainData(), context: &context)
        try check(
            fitted, against: dataset.reference["linear_regression"],
            metrics: dataset.reference["tolerance"]["metrics"]["linear_regression"], test: dataset.testData())
    }

    /// Two copies of a column: least squares has many solutions and, as numpy's `lstsq`, the
    /// minimum-norm one splits the weight equally; a tiny alpha makes Cholesky too ill-conditioned
    /// and the QR/SVD fallback gives (nearly) the same split.
    @Test(arguments: [0.0, 1e-12])
    func collinearColumnsShareTheirWeight(alpha: Double) throws {
        let dataset = try ReferenceDataset.load("diabetes")
        let data = try dataset.trainData()
        let x = data.features
        let p = x.columnCount
        var values: [Double] = []
        for i in 0..<x.rowCount {
            for j in 0..<p { values.append(x[row: i, column: j]) }
            values.append(x[row: i, column: 2])  // bmi again
        }
        let doubled = try FeatureMatrix(
            rowCount: x.rowCount, values: values, featureNames: x.featureNames + ["bmi_copy"])
        var context = TrainingContext(seed: 0)
        let plain = try Ridge(alpha: 0).fit(data, context: &context)
        let shared = try Ridge(alpha: alpha).fit(
            TrainingData(features: doubled, target: data.target), context: &context)
        var expected = plain.coefficients
        expected[2] /= 2
        expected.append(expected[2])
        let difference = LinearTestSupport.maxDifference(shared.coefficients, expected)
        #expect(difference <= 1e-6 * 540, "largest coefficient difference \(difference)")
        #expect(abs(shared.intercept - plain.intercept) <= 1e-6)
    }

    /// More features than rows: least squares interpolates, and the minimum-norm solution is the
    /// limit of ridge as alpha → 0.
    @Test func moreFeaturesThanRowsGivesTheMinimumNormSolution() throws {
        let values: [Double] = [
            1, 2, 0, -1, 3,
            0, 1, 1, 2, -2,
            2, -1, 3, 0, 1,
            -1, 0, 2, 1, 1,
        ]
        let target: [Double] = [3, -1, 4, 0.5]
        let data = try TrainingData(
            features: FeatureMatrix(rowCount: 4, values: values, featureNames: ["a", "b", "c", "d", "e"]),
            target: TrainingTarget(name: "y", task: .regression, values: target, classes: [], classLabels: []))
        var context = TrainingContext(seed: 0)
        let exact = try Ridge(alpha: 0).fit(data, context: &context)
        let fitted = try exact.predict(data.features).values
        #expect(LinearTestSupport.maxDifference(fitted, target) < 1e-12)
        let nearlyExact = try Ridge(alpha: 1e-9).fit(data, context: &context)
        #expect(LinearTestSupport.maxDifference(exact.coefficients, nearlyExact.coefficients) < 1e-6)
        #expect(abs(exact.intercept - nearlyExact.intercept) < 1e-6)
    }

    @Test func withoutInterceptNothingIsCentred() throws {
        // y = 2·a − 3·b exactly, no intercept: least squares recovers the weights.
        let rows = 20
        var values: [Double] = []
        var target: [Double] = []
        for i in 0..<rows {
            let a = Double(i % 7) - 2.5
            let b = Double((i * 3) % 5) + 0.25
            values += [a, b]
            target.append(2 * a - 3 * b)
        }
        let data = try TrainingData(
            features: FeatureMatrix(rowCount: rows, values: values, featureNames: ["a", "b"]),
            target: TrainingTarget(name: "y", task: .regression, values: target, classes: [], classLabels: []))
        var context = TrainingContext(seed: 0)
        let fitted = try Ridge(alpha: 0, fitIntercept: false).fit(data, context: &context)
        #expect(LinearTestSupport.maxDifference(fitted.coefficients, [2, -3]) < 1e-12)
        #expect(fitted.intercept == 0)
        // With a penalty the weights shrink towards 0.
        let ridge = try Ridge(alpha: 10, fitIntercept: false).fit(data, context: &context)
        #expect(abs(ridge.coefficients[0]) < 2 && abs(ridge.coefficients[1]) < 3)
    }

    @Test func fittingTwiceGivesTheSameModel() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        var one = TrainingContext(seed: 1, threads: 1)
        var two = TrainingContext(seed: 2, threads: 2)
        let first = try Ridge().fit(dataset.trainData(), context: &one)
        let second = try Ridge().fit(dataset.trainData(), context: &two)
        #expect(first == second)
    }

    @Test func exportedModelPredictsAsTheFittedOne() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        var context = TrainingContext(seed: 0)
        let fitted = try Ridge().fit(dataset.trainData(), context: &context)
        try LinearTestSupport.checkExport(fitted, dataset.testData().features)
        let (train, test) = try LinearTestSupport.standardisedData(dataset)
        try LinearTestSupport.checkExport(try Ridge(alpha: 0).fit(train, context: &context), test.features)
    }

    @Test func missingFeatureIsAnErrorNamingColumnAndRow() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        let data = try dataset.trainData()
        var values = data.features.values
        values[4 * data.features.columnCount + 3] = .nan
        let features = try FeatureMatrix(
            rowCount: data.rowCount, values: values, featureNames: data.features.featureNames)
        var context = TrainingContext(seed: 0)
        let error = try #require(throws: MLOpsError.self) {
            try Ridge().fit(TrainingData(features: features, target: data.target), context: &context)
        }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("bp") && error.message.contains("row 5") && error.message.contains("impute"))
        let fitted = try Ridge().fit(data, context: &context)
        #expect(throws: MLOpsError.self) { try fitted.predict(features) }
    }

    @Test func classificationTargetIsAnError() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        var context = TrainingContext(seed: 0)
        let error = try #require(throws: MLOpsError.self) { try Ridge().fit(dataset.trainData(), context: &context) }
        #expect(error.code == .invalidArgument && error.message.contains("binary"))
    }

    @Test func invalidHyperparametersAreErrorsNamingThem() throws {
        var error = try #require(throws: MLOpsError.self) { try Ridge(parameters: ["alpha": "-1"]) }
        #expect(error.code == .invalidArgument && error.message.contains("alpha"))
        error = try #require(throws: MLOpsError.self) { try Ridge(parameters: ["alpha": "abc"]) }
        #expect(error.message.contains("alpha"))
        error = try #require(throws: MLOpsError.self) { try Ridge(parameters: ["fit_intercept": "maybe"]) }
        #expect(error.message.contains("fit_intercept"))
        error = try #require(throws: MLOpsError.self) { try Ridge(parameters: ["alhpa": "1"]) }
        #expect(error.message.contains("alhpa") && error.message.contains("alpha, fit_intercept"))
        let dataset = try ReferenceDataset.load("diabetes")
        var context = TrainingContext(seed: 0)
        error = try #require(throws: MLOpsError.self) {
            try Ridge(alpha: .nan).fit(dataset.trainData(), context: &context)
        }
        #expect(error.message.contains("alpha"))
        let parsed = try Ridge(parameters: ["alpha": "0.5", "fit_intercept": "false"])
        #expect(parsed.alpha == 0.5 && !parsed.fitIntercept)
        #expect(try Ridge(parameters: parsed.parameters).parameters == parsed.parameters)
        #expect(Ridge.name == "ridge")
    }
}
