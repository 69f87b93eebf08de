import InferenceCore
import MLOpsCore
import Synchronization
import Testing
import Training

/// Logistic regression against scikit-learn's `LogisticRegression(solver="lbfgs")` on the
/// breast-cancer (binary) and digits (multinomial) references, solved to convergence as the
/// references were (tol 1e-10, max_iter 10000).
@Suite struct LogisticRegressionTests {
    static let converged = LogisticRegression(c: 1, maxIterations: 10_000, tolerance: 1e-10)

    /// A converged fit on a reference dataset's standardised train rows, with its test rows.
    struct ReferenceFit: Sendable {
        let fitted: FittedLogisticRegression
        let train: TrainingData
        let test: TrainingData
        let reference: JSONValue
        let reports: [IterationReport]
    }

    private static func fitReference(_ name: String) throws -> ReferenceFit {
        let dataset = try ReferenceDataset.load(name)
        let (train, test) = try LinearTestSupport.standardisedData(dataset)
        var context = TrainingContext(seed: 0, threads: 1)
        let fitted = try converged.fit(train, context: &context)
        return ReferenceFit(
            fitted: fitted, train: train, test: test, reference: dataset.reference, reports: context.reports)
    }

    // Fitted once and shared by the tests that read them (a debug build fits digits in seconds).
    static let breastCancer = Result { try fitReference("breast_cancer") }
    static let digits = Result { try fitReference("digits") }

    /// The digits train rows, standardised.
    private static func digitsTrain() throws -> TrainingData {
        try LinearTestSupport.standardisedData(ReferenceDataset.load("digits")).train
    }

    @Test func binaryMatchesScikitLearn() throws {
        let run = try Self.breastCancer.get()
        let (fitted, test, reference) = (run.fitted, run.test, run.reference)
        let expected = reference["logistic_regression"]
        let tolerance = reference["tolerance"]["logistic_regression"]
        #expect(fitted.task == .binary && fitted.coefficients.count == 1)
        #expect(fitted.converged && fitted.gradientMaxAbs <= 1e-10)
        let coefTolerance = try #require(tolerance["coef_abs_tol"].double)
        let difference = LinearTestSupport.maxDifference(fitted.coefficients[0], try #require(expected["coef"].doubles))
        #expect(difference <= coefTolerance, "largest coefficient difference \(difference)")
        #expect(abs(fitted.intercepts[0] - expected["intercept"].double!) <= tolerance["intercept_abs_tol"].double!)
        // Closer still to the Newton solution (the optimum to machine precision).
        let exact = expected["high_accuracy_solution"]
        #expect(LinearTestSupport.maxDifference(fitted.coefficients[0], try #require(exact["coef"].doubles)) <= 1e-7)
        #expect(abs(fitted.intercepts[0] - exact["intercept"].double!) <= 1e-7)
        // The objective reported at the end is the reference's.
        let objective = try #require(run.reports.last?.metrics["objective"])
        #expect(abs(objective - exact["objective_value_train"].double!) <= 1e-9)
        #expect(run.reports.count == fitted.iterations)
        // train_loss is the mean log loss of the model's own predictions on the train rows.
        let trainLoss = LinearTestSupport.classificationMetrics(
            try fitted.predict(run.train.features), run.train.target.classes
        ).logLoss
        #expect(abs(try #require(run.reports.last?.metrics["train_loss"]) - trainLoss) < 1e-12)

        let predictions = try fitted.predict(test.features)
        let (accuracy, logLoss) = LinearTestSupport.classificationMetrics(predictions, test.target.classes)
        // The reference rounds the minimum to the last bit.
        #expect(accuracy >= tolerance["accuracy_min"].double! - 1e-12)
        #expect(abs(logLoss - expected["test"]["log_loss"].double!) <= tolerance["log_loss_abs_tol"].double!)
        let auc = LinearTestSupport.rocAUC(predictions.positiveProbabilities, test.target.classes)
        #expect(auc >= tolerance["roc_auc_min"].double! - 1e-12)
    }

    @Test func multinomialMatchesScikitLearn() throws {
        let run = try Self.digits.get()
        let (fitted, test, reference) = (run.fitted, run.test, run.reference)
        let expected = reference["logistic_regression"]
        let tolerance = reference["tolerance"]["logistic_regression"]
        #expect(fitted.task == .multiclass && fitted.coefficients.count == 10)
        #expect(fitted.converged && fitted.gradientMaxAbs <= 1e-10)
        let coefTolerance = try #require(tolerance["coef_abs_tol"].double)
        let rows = try #require(expected["coef"].array)
        let exactRows = try #require(expected["high_accuracy_solution"]["coef"].array)
        for k in 0..<10 {
            let difference = LinearTestSupport.maxDifference(fitted.coefficients[k], try #require(rows[k].doubles))
            #expect(difference <= coefTolerance, "class \(k): largest coefficient difference \(difference)")
            let exact = LinearTestSupport.maxDifference(fitted.coefficients[k], try #require(exactRows[k].doubles))
            #expect(exact <= 1e-7, "class \(k): largest difference from the Newton solution \(exact)")
        }
        let intercepts = try #require(expected["intercept_centered"].doubles)
        #expect(
            LinearTestSupport.maxDifference(fitted.intercepts, intercepts) <= tolerance["intercept_abs_tol"].double!)
        let exactIntercepts = try #require(expected["high_accuracy_solution"]["intercept"].doubles)
        // The intercepts' curvature is small (most rows are fitted with p ≈ 1), so a gradient of 1e-10
        // leaves them a little further from the optimum than the weights (scikit-learn's: 1.2e-5).
        #expect(LinearTestSupport.maxDifference(fitted.intercepts, exactIntercepts) <= 1e-6)

        let predictions = try fitted.predict(test.features)
        let (accuracy, logLoss) = LinearTestSupport.classificationMetrics(predictions, test.target.classes)
        // The reference rounds the minimum to the last bit.
        #expect(accuracy >= tolerance["accuracy_min"].double! - 1e-12)
        #expect(abs(logLoss - expected["test"]["log_loss"].double!) <= tolerance["log_loss_abs_tol"].double!)
    }

    @Test func defaultsStopEarlyWithAReferenceGradeModel() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        let (train, test) = try LinearTestSupport.standardisedData(dataset)
        var context = TrainingContext(seed: 0)
        let fitted = try LogisticRegression().fit(train, context: &context)
        #expect(fitted.iterations <= 100)
        #expect(fitted.converged == (fitted.gradientMaxAbs <= 1e-4))
        let (accuracy, _) = LinearTestSupport.classificationMetrics(
            try fitted.predict(test.features), test.target.classes)
        #expect(accuracy >= 0.95)
    }

    /// Digits has six blocks of rows (1437 rows, 256 a block), so two threads split the objective's work.
    @Test func sameModelOnOneAndTwoThreads() throws {
        let train = try Self.digitsTrain()
        let estimator = LogisticRegression(maxIterations: 40, tolerance: 1e-10)
        var one = TrainingContext(seed: 0, threads: 1)
        var two = TrainingContext(seed: 0, threads: 2)
        let first = try estimator.fit(train, context: &one)
        let second = try estimator.fit(train, context: &two)
        #expect(first.iterations == 40)
        #expect(first == second)
    }

    @Test(arguments: ["breast_cancer", "digits"])
    func exportedModelPredictsAsTheFittedOne(_ name: String) throws {
        let run = try (name == "digits" ? Self.digits : Self.breastCancer).get()
        try LinearTestSupport.checkExport(run.fitted, run.test.features)
    }

    @Test func reportsEveryIterationAndAStopCallbackStops() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        let (train, _) = try LinearTestSupport.standardisedData(dataset)
        var context = TrainingContext(seed: 0)
        context.callbacks.append(StopAfter(iterations: 5))
        let fitted = try Self.converged.fit(train, context: &context)
        #expect(fitted.iterations == 5 && !fitted.converged)
        #expect(context.reports.map(\.iteration) == [1, 2, 3, 4, 5])
        #expect(context.stoppedByCallback)
        let losses = context.reports.compactMap { $0.metrics["train_loss"] }
        #expect(losses.count == 5 && losses.allSatisfy { $0 > 0 && $0 < 0.7 })
        let objectives = context.reports.compactMap { $0.metrics["objective"] }
        #expect(zip(objectives, objectives.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func resumingFromACheckpointEndsWithTheSameModel() throws {
        let train = try Self.digitsTrain()
        let estimator = LogisticRegression(maxIterations: 70, tolerance: 1e-10)
        let saved = Mutex<[TrainingCheckpoint]>([])
        var context = TrainingContext(seed: 0)
        context.job = "digits-logistic"
        context.checkpointInterval = 20
        context.checkpointSink = { checkpoint in saved.withLock { $0.append(checkpoint) } }
        let uninterrupted = try estimator.fit(train, context: &context)
        let checkpoints = saved.withLock { $0 }
        #expect(checkpoints.map(\.iteration) == Array(stride(from: 20, through: uninterrupted.iterations, by: 20)))
        let middle = try #require(checkpoints.dropFirst().first)
        var resumed = TrainingContext(seed: 0)
        resumed.job = "digits-logistic"
        resumed.resumeFrom = try TrainingCheckpoint(bytes: middle.encoded())
        let fitted = try estimator.fit(train, context: &resumed)
        #expect(fitted == uninterrupted)
        #expect(resumed.reports.first?.iteration == middle.iteration + 1)
        // A damaged state is an error, not a crash.
        var damaged = middle
        damaged.state.removeLast()
        var broken = TrainingContext(seed: 0)
        broken.job = "digits-logistic"
        broken.resumeFrom = damaged
        let error = try #require(throws: MLOpsError.self) { try estimator.fit(train, context: &broken) }
        #expect(error.code == .corruptData)
    }

    /// Separable classes: the penalty keeps the weights finite and the solver converges.
    @Test func separableClassesConvergeToFiniteWeights() throws {
        let data = try TrainingData(
            features: FeatureMatrix(rowCount: 4, values: [-2, -1, 1, 2], featureNames: ["x"]),
            target: TrainingTarget(
                name: "y", task: .binary, values: [0, 0, 1, 1], classes: [0, 0, 1, 1], classLabels: ["0", "1"]))
        var context = TrainingContext(seed: 0)
        let fitted = try Self.converged.fit(data, context: &context)
        #expect(fitted.converged && fitted.coefficients[0][0] > 0 && fitted.coefficients[0][0] < 10)
        #expect(abs(fitted.intercepts[0]) < 1e-8)  // symmetric data
        let probabilities = try fitted.predict(data.features).positiveProbabilities
        #expect(probabilities[0] < 0.5 && probabilities[3] > 0.5)
        #expect(abs(probabilities[0] + probabilities[3] - 1) < 1e-12)
    }

    /// Unstandardised features make the problem ill-conditioned: the iteration limit ends the fit,
    /// which says it did not converge.
    @Test func iterationLimitEndsAnUnconvergedFit() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        var context = TrainingContext(seed: 0)
        let fitted = try LogisticRegression(maxIterations: 3).fit(dataset.trainData(), context: &context)
        #expect(fitted.iterations == 3 && !fitted.converged && fitted.gradientMaxAbs > 1e-4)
        #expect(context.reports.count == 3 && !context.stoppedByCallback)
        #expect(fitted.coefficients[0].allSatisfy { $0.isFinite })
    }

    @Test func newtonMatchesTheReferenceOptimum() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        let (train, _) = try LinearTestSupport.standardisedData(dataset)
        var context = TrainingContext(seed: 0)
        let estimator = LogisticRegression(maxIterations: 100, tolerance: 1e-12, solver: .newtonCholesky)
        let fitted = try estimator.fit(train, context: &context)
        #expect(fitted.converged && fitted.iterations < 20)
        let exact = dataset.reference["logistic_regression"]["high_accuracy_solution"]
        #expect(LinearTestSupport.maxDifference(fitted.coefficients[0], try #require(exact["coef"].doubles)) <= 1e-9)
        #expect(abs(fitted.intercepts[0] - exact["intercept"].double!) <= 1e-9)
        // Unstandardised features: L-BFGS crawls, Newton converges in a few steps.
        var raw = TrainingContext(seed: 0)
        let unscaled = try estimator.fit(dataset.trainData(), context: &raw)
        #expect(unscaled.converged && unscaled.iterations < 30)
    }

    /// Three classes: Newton (with the intercept-shift direction made definite) and L-BFGS reach
    /// the same optimum.
    @Test func newtonAndLBFGSAgreeOnAMultinomialProblem() throws {
        var values: [Double] = []
        var classes: [Int] = []
        for i in 0..<90 {
            let t = Double(i)
            values += [
                (t * 0.37).truncatingRemainder(dividingBy: 3) - 1.5, (t * 0.61).truncatingRemainder(dividingBy: 2) - 1,
            ]
            classes.append(i % 3 == 0 ? 0 : (values[2 * i] + values[2 * i + 1] > 0 ? 1 : 2))
        }
        let data = try TrainingData(
            features: FeatureMatrix(rowCount: 90, values: values, featureNames: ["a", "b"]),
            target: TrainingTarget(
                name: "y", task: .multiclass, values: classes.map(Double.init), classes: classes,
                classLabels: ["0", "1", "2"]))
        var context = TrainingContext(seed: 0)
        let newton = try LogisticRegression(c: 10, maxIterations: 100, tolerance: 1e-12, solver: .newtonCholesky)
            .fit(data, context: &context)
        let lbfgs = try LogisticRegression(c: 10, maxIterations: 10_000, tolerance: 1e-12).fit(data, context: &context)
        #expect(newton.converged && lbfgs.converged)
        for k in 0..<3 {
            #expect(LinearTestSupport.maxDifference(newton.coefficients[k], lbfgs.coefficients[k]) < 1e-8)
        }
        #expect(LinearTestSupport.maxDifference(newton.intercepts, lbfgs.intercepts) < 1e-8)
        #expect(abs(newton.intercepts.reduce(0, +)) < 1e-12)
    }

    @Test func newtonResumesFromACheckpoint() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        let train = try dataset.trainData()
        let estimator = LogisticRegression(maxIterations: 100, tolerance: 1e-12, solver: .newtonCholesky)
        let saved = Mutex<[TrainingCheckpoint]>([])
        var context = TrainingContext(seed: 0)
        context.job = "newton"
        context.checkpointInterval = 3
        context.checkpointSink = { checkpoint in saved.withLock { $0.append(checkpoint) } }
        let uninterrupted = try estimator.fit(train, context: &context)
        let checkpoint = try #require(saved.withLock { $0.first })
        var resumed = TrainingContext(seed: 0)
        resumed.job = "newton"
        resumed.resumeFrom = checkpoint
        #expect(try estimator.fit(train, context: &resumed) == uninterrupted)
        // An L-BFGS state is not a Newton state.
        var lbfgs = TrainingContext(seed: 0)
        lbfgs.job = "newton"
        lbfgs.resumeFrom = checkpoint
        #expect(throws: MLOpsError.self) { try LogisticRegression().fit(train, context: &lbfgs) }
    }

    @Test func missingFeatureIsAnErrorNamingColumnAndRow() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        let data = try dataset.trainData()
        var values = data.features.values
        values[9 * data.features.columnCount + 1] = .nan
        let features = try FeatureMatrix(
            rowCount: data.rowCount, values: values, featureNames: data.features.featureNames)
        var context = TrainingContext(seed: 0)
        let error = try #require(throws: MLOpsError.self) {
            try LogisticRegression().fit(TrainingData(features: features, target: data.target), context: &context)
        }
        #expect(error.code == .invalidArgument)
        #expect(
            error.message.contains("mean_texture") && error.message.contains("row 10")
                && error.message.contains("impute"))
    }

    @Test func regressionTargetIsAnErrorNamingTheTask() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        var context = TrainingContext(seed: 0)
        let error = try #require(throws: MLOpsError.self) {
            try LogisticRegression().fit(dataset.trainData(), context: &context)
        }
        #expect(error.code == .invalidArgument && error.message.contains("regression"))
    }

    @Test func singleClassTargetIsRejectedBeforeFitting() throws {
        let table = try Table(columns: [
            Column.double("x", [1, 2, 3] as [Double]), Column.string("y", ["a", "a", "a"] as [String]),
        ])
        let error = try #require(throws: MLOpsError.self) { try TrainingData(table, target: "y") }
        #expect(error.message.contains("single class"))
    }

    @Test func invalidHyperparametersAreErrorsNamingThem() throws {
        for (name, value) in [
            ("C", "0"), ("C", "-1"), ("C", "inf"), ("max_iter", "0"), ("tol", "-1e-3"),
            ("lbfgs_memory", "0"), ("max_iter", "ten"), ("fit_intercept", "2"), ("solver", "sag"),
        ] {
            let error = try #require(throws: MLOpsError.self) { try LogisticRegression(parameters: [name: value]) }
            #expect(error.code == .invalidArgument && error.message.contains(name), "\(name)=\(value)")
        }
        let error = try #require(throws: MLOpsError.self) { try LogisticRegression(parameters: ["penalty": "l1"]) }
        #expect(
            error.message.contains("penalty")
                && error.message.contains("C, fit_intercept, lbfgs_memory, max_iter, solver, tol"))
        #expect(try LogisticRegression(parameters: ["solver": "newton-cholesky"]).solver == .newtonCholesky)
        let parsed = try LogisticRegression(parameters: ["C": "0.5", "max_iter": "10000", "tol": "1e-10"])
        #expect(parsed.c == 0.5 && parsed.maxIterations == 10_000 && parsed.tolerance == 1e-10)
        #expect(try LogisticRegression(parameters: parsed.parameters).parameters == parsed.parameters)
        let dataset = try ReferenceDataset.load("breast_cancer")
        var context = TrainingContext(seed: 0)
        #expect(throws: MLOpsError.self) { try LogisticRegression(c: 0).fit(dataset.trainData(), context: &context) }
    }
}

/// Stops training after a number of iterations.
private struct StopAfter: TrainingCallback {
    let iterations: Int
    func iterationEnded(_ report: IterationReport) -> TrainingDecision {
        report.iteration >= iterations ? .stop : .proceed
    }
}
