import InferenceCore
import Synchronization
import MLOpsCore
import Testing
import Training

/// Gradient-boosted trees: quality against the reference libraries, determinism across thread
/// counts, missing values, export, checkpoint/resume and bad input.
@Suite struct GradientBoostingTests {
    static func fit(
        _ data: TrainingData, _ estimator: GradientBoosting = GradientBoosting(), seed: UInt64 = 0, threads: Int = 2
    ) throws -> FittedGradientBoosting {
        var context = TrainingContext(seed: seed, threads: threads)
        return try estimator.fit(data, context: &context)
    }

    static func macroF1(_ predicted: [Int], _ truth: [Int], classes: Int) -> Double {
        var total = 0.0
        for k in 0..<classes {
            let tp = Double(zip(predicted, truth).filter { $0 == k && $1 == k }.count)
            let fp = Double(zip(predicted, truth).filter { $0 == k && $1 != k }.count)
            let fn = Double(zip(predicted, truth).filter { $0 != k && $1 == k }.count)
            total += tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn)
        }
        return total / Double(classes)
    }

    // MARK: Quality

    @Test func breastCancerMatchesTheReferenceLibraries() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        let model = try Self.fit(dataset.trainData())
        let test = try dataset.testData()
        let predictions = try model.predict(test.features)
        let metrics = try ClassificationMetrics(
            probabilities: predictions.positiveProbabilities, labels: test.target.classes)
        let tolerance = dataset.reference["tolerance"]["gbdt"]
        let accuracyMin = try #require(tolerance["accuracy_min_strict"].double)
        let aucMin = try #require(tolerance["roc_auc_min"].double)
        let auc = try #require(metrics.rocAUC)
        #expect(metrics.accuracy >= accuracyMin)
        #expect(auc >= aucMin)
        #expect(model.treeCount == 100)
        #expect(model.leafCounts.allSatisfy { $0 <= 31 })
    }

    @Test func digitsMatchTheReferenceLibraries() throws {
        let dataset = try ReferenceDataset.load("digits")
        let model = try Self.fit(dataset.trainData())
        let test = try dataset.testData()
        let labels = try model.predict(test.features).labels
        let accuracy = Double(zip(labels, test.target.classes).filter { $0 == $1 }.count) / Double(labels.count)
        let tolerance = dataset.reference["tolerance"]["gbdt"]
        let accuracyMin = try #require(tolerance["accuracy_min_strict"].double)
        let f1Min = try #require(tolerance["macro_f1_min_suggested"].double)
        let f1 = Self.macroF1(labels, test.target.classes, classes: 10)
        #expect(accuracy >= accuracyMin)
        #expect(f1 >= f1Min)
        #expect(model.treeCount == 1000)
    }

    @Test func diabetesRegressionIsAsGoodAsTheReferenceLibraries() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        let model = try Self.fit(dataset.trainData())
        let test = try dataset.testData()
        let predictions = try model.predict(test.features).values
        let rmse =
            (zip(predictions, test.target.values).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            / Double(predictions.count)).squareRoot()
        // LightGBM 58.39 and HistGradientBoosting 59.02 with the same settings (informational in
        // the reference file: a linear model does better on this small, noisy set).
        let lightGBM = try #require(
            dataset.reference["gbdt_informational"]["lightgbm_regressor"]["test"]["rmse"].double)
        let hgb = try #require(
            dataset.reference["gbdt_informational"]["hist_gradient_boosting_regressor"]["test"]["rmse"].double)
        #expect(rmse <= max(lightGBM, hgb) * 1.03, "test RMSE \(rmse)")
    }

    // MARK: Determinism

    @Test(arguments: [
        GradientBoosting(nEstimators: 15),
        GradientBoosting(nEstimators: 15, subsample: 0.7, colsample: 0.6),
        GradientBoosting(nEstimators: 30, validationFraction: 0.2, nIterNoChange: 3),
    ])
    func oneAndTwoThreadsGiveTheSameBytes(_ estimator: GradientBoosting) throws {
        let data = try ReferenceDataset.load("breast_cancer").trainData()
        let one = try Self.fit(data, estimator, seed: 5, threads: 1)
        let two = try Self.fit(data, estimator, seed: 5, threads: 2)
        #expect(one.encoded() == two.encoded())
        let other = try Self.fit(data, estimator, seed: 6, threads: 2)
        if estimator.subsample < 1 { #expect(other.encoded() != two.encoded()) }
    }

    @Test func largeDataIsDeterministicAcrossThreadCounts() throws {
        // Enough rows for the parallel histogram, gather and binning paths.
        let data = try Self.synthetic(rows: 40_000, features: 9, seed: 3)
        let estimator = GradientBoosting(nEstimators: 4, numLeaves: 15, subsample: 0.8)
        let one = try Self.fit(data, estimator, threads: 1)
        let two = try Self.fit(data, estimator, threads: 2)
        #expect(one.encoded() == two.encoded())
        let decoded = try FittedGradientBoosting(encoded: two.encoded())
        #expect(decoded.encoded() == two.encoded())
    }

    /// Rows of `features` columns with a logistic label on a few of them, some values missing.
    static func synthetic(rows: Int, features: Int, seed: UInt64) throws -> TrainingData {
        var random = SeededRandom(seed: seed)
        var values = [Double](repeating: 0, count: rows * features)
        var labels = [Double](repeating: 0, count: rows)
        for row in 0..<rows {
            for column in 0..<features {
                values[row * features + column] = random.nextDouble() < 0.03 ? .nan : random.normal()
            }
            let x = { (c: Int) in values[row * features + c].isNaN ? 0.5 : values[row * features + c] }
            let margin = 1.5 * x(0) - x(1) + x(2) * x(3)
            labels[row] = random.nextDouble() < 1 / (1 + Platform.exp(-margin)) ? 1 : 0
        }
        let names = (0..<features).map { "f\($0)" }
        let matrix = try FeatureMatrix(rowCount: rows, values: values, featureNames: names)
        let target = try TrainingTarget(
            name: "y", task: .binary, values: labels, classes: labels.map { Int($0) }, classLabels: ["0", "1"])
        return try TrainingData(features: matrix, target: target)
    }

    // MARK: Missing values

    @Test func missingValuesLearnADirectionThatTheExportKeeps() throws {
        // A feature whose missing rows behave like its large values: the split must send NaN right.
        var values: [Double] = []
        var labels: [Double] = []
        for row in 0..<400 {
            let x = Double(row % 100)
            let missing = row % 7 == 0
            values.append(missing ? .nan : x)
            labels.append(missing || x >= 50 ? 1 : 0)
        }
        let matrix = try FeatureMatrix(rowCount: 400, values: values, featureNames: ["x"])
        let target = try TrainingTarget(
            name: "y", task: .binary, values: labels, classes: labels.map { Int($0) }, classLabels: ["0", "1"])
        let model = try Self.fit(
            try TrainingData(features: matrix, target: target), GradientBoosting(nEstimators: 5, minSamplesLeaf: 5))
        let probe = try FeatureMatrix(rowCount: 3, values: [.nan, 10, 90], featureNames: ["x"])
        let p = try model.predict(probe).positiveProbabilities
        #expect(p[0] > 0.5 && p[1] < 0.5 && p[2] > 0.5, "\(p)")
        let ensemble = try model.treeEnsemble()
        let root = try #require(ensemble.trees.first?.nodes.first)
        guard case .branch(let branch) = root else {
            Issue.record("the first tree has no split")
            return
        }
        #expect(branch.missing == .nanTakesFalseBranch)
        try Self.expectExportMatches(model, probe)
    }

    @Test func injectedMissingValuesKeepTheQuality() throws {
        let dataset = try ReferenceDataset.load("breast_cancer")
        func punch(_ data: TrainingData) throws -> TrainingData {
            var values = data.features.values
            for index in values.indices where index % 11 == 3 { values[index] = .nan }
            let features = try FeatureMatrix(
                rowCount: data.rowCount, values: values, featureNames: data.features.featureNames)
            return try TrainingData(features: features, target: data.target)
        }
        let model = try Self.fit(try punch(dataset.trainData()))
        let test = try punch(dataset.testData())
        let predictions = try model.predict(test.features)
        let metrics = try ClassificationMetrics(
            probabilities: predictions.positiveProbabilities, labels: test.target.classes)
        #expect(metrics.accuracy >= 0.93)
        #expect(model.treeEnsembleUsesBothMissingDirections)
        try Self.expectExportMatches(model, test.features)
    }

    // MARK: Export

    /// The exported `Model` predicts what `predict` does, and the package read back predicts
    /// bit-identically. With `float32`, also through a float32 input: exact only on rows whose
    /// values are far (relative to float32 rounding) from every threshold, like the training rows
    /// (thresholds lie halfway between training values), not rows with a value at a midpoint.
    static func expectExportMatches(
        _ model: FittedGradientBoosting, _ features: FeatureMatrix, float32: Bool = false
    ) throws {
        let expected = try model.predict(features)
        for elementType in float32 ? [ElementType.float64, .float32] : [.float64] {
            var builder = GraphBuilder()
            let input = builder.input(elementType: elementType, width: model.featureCount)
            let outputs = try model.export(into: &builder, input: input)
            let graph = try builder.finish(name: "gbdt", input: input, outputs: outputs, task: model.task)
            let exported = try Model(graph: graph, featureNames: model.featureNames)
            let table = try Table(
                columns: model.featureNames.enumerated().map { column, name in
                    .double(name, features.column(column))
                })
            let out = try exported.predict(table)
            let got = try Predictions(
                predictionTable: out, task: model.task, classCount: max(1, model.classLabels.count))
            if elementType == .float64 {
                let worst = zip(got.values, expected.values).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-6, "largest difference \(worst)")
                let reread = try Model(bytes: try exported.package.encoded())
                #expect(try reread.predict(table) == out)
            } else {
                let worst = zip(got.values, expected.values).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
                #expect(worst <= 1e-5, "largest relative difference \(worst) with float32 input")
            }
        }
    }

    @Test(arguments: ReferenceDataset.names)
    func exportedModelsPredictLikePredict(_ name: String) throws {
        let dataset = try ReferenceDataset.load(name)
        let model = try Self.fit(dataset.trainData(), GradientBoosting(nEstimators: 20))
        try Self.expectExportMatches(model, dataset.testData().features)
        try Self.expectExportMatches(model, dataset.trainData().features, float32: true)
    }

    // MARK: Checkpoints

    @Test(arguments: [
        GradientBoosting(nEstimators: 12),
        GradientBoosting(nEstimators: 12, subsample: 0.8, colsample: 0.5),
        GradientBoosting(nEstimators: 40, validationFraction: 0.2, nIterNoChange: 4),
    ])
    func aResumedFitEndsWithTheSameModel(_ estimator: GradientBoosting) throws {
        let data = try ReferenceDataset.load("digits").trainData().rows(Array(0..<600))
        let uninterrupted = try Self.fit(data, estimator, seed: 9)
        let saved = Mutex<[TrainingCheckpoint]>([])
        var first = TrainingContext(seed: 9, threads: 2)
        first.job = "job"
        first.checkpointInterval = 5
        first.checkpointSink = { checkpoint in saved.withLock { $0.append(checkpoint) } }
        _ = try estimator.fit(data, context: &first)
        let checkpoints = saved.withLock { $0 }
        #expect(!checkpoints.isEmpty)
        for checkpoint in checkpoints {
            var resumed = TrainingContext(seed: 9, threads: 1)
            resumed.job = "job"
            resumed.resumeFrom = try TrainingCheckpoint(bytes: checkpoint.encoded())
            let model = try estimator.fit(data, context: &resumed)
            #expect(model.encoded() == uninterrupted.encoded(), "resumed from iteration \(checkpoint.iteration)")
            if checkpoint.iteration < estimator.nEstimators, resumed.reports.count > 0 {
                #expect(resumed.reports.first?.iteration == checkpoint.iteration + 1)
            }
        }
    }

    @Test func aDamagedCheckpointStateIsACorruptDataError() throws {
        let data = try ReferenceDataset.load("breast_cancer").trainData()
        let saved = Mutex<[TrainingCheckpoint]>([])
        var context = TrainingContext(seed: 1, threads: 1)
        context.job = "j"
        context.checkpointInterval = 2
        context.checkpointSink = { checkpoint in saved.withLock { $0.append(checkpoint) } }
        _ = try GradientBoosting(nEstimators: 2).fit(data, context: &context)
        let checkpoint = try #require(saved.withLock { $0.first })
        for cut in [0, 9, checkpoint.state.count / 2, checkpoint.state.count - 1] {
            var damaged = checkpoint
            damaged.state = Array(checkpoint.state.prefix(cut))
            var resumed = TrainingContext(seed: 1, threads: 1)
            resumed.job = "j"
            resumed.resumeFrom = damaged
            #expect(throws: MLOpsError.corruptData) {
                _ = try GradientBoosting(nEstimators: 2).fit(data, context: &resumed)
            }
        }
    }

    // MARK: Reporting

    @Test func everyRoundIsReportedAndACallbackCanStop() throws {
        let data = try ReferenceDataset.load("breast_cancer").trainData()
        var context = TrainingContext(seed: 0, threads: 2)
        context.callbacks.append(StopAt(iteration: 7))
        let model = try GradientBoosting(nEstimators: 50).fit(data, context: &context)
        #expect(context.reports.count == 7)
        #expect(model.iterationCount == 7)
        let losses = context.reports.compactMap { $0.metrics["train_loss"] }
        #expect(losses.count == 7)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $1 < $0 })
    }

    @Test func earlyStoppingKeepsTheBestRound() throws {
        let data = try ReferenceDataset.load("breast_cancer").trainData()
        var context = TrainingContext(seed: 0, threads: 2)
        let model = try GradientBoosting(nEstimators: 500, learningRate: 0.3, nIterNoChange: 5).fit(
            data, context: &context)
        let validation = context.reports.compactMap { $0.metrics["validation_loss"] }
        #expect(validation.count == context.reports.count)
        #expect(context.reports.count < 500)
        let best = try #require(validation.indices.min { validation[$0] < validation[$1] })
        #expect(model.iterationCount == best + 1)
    }

    // MARK: Bad input

    @Test func invalidHyperparametersAreNamed() throws {
        let data = try ReferenceDataset.load("breast_cancer").trainData()
        let bad: [(GradientBoosting, String)] = [
            (GradientBoosting(nEstimators: 0), "n_estimators"), (GradientBoosting(learningRate: 0), "learning_rate"),
            (GradientBoosting(learningRate: .nan), "learning_rate"), (GradientBoosting(numLeaves: 1), "num_leaves"),
            (GradientBoosting(maxDepth: 0), "max_depth"), (GradientBoosting(minChildWeight: -1), "min_child_weight"),
            (GradientBoosting(minSamplesLeaf: 0), "min_samples_leaf"), (GradientBoosting(lambdaL2: -0.5), "lambda_l2"),
            (GradientBoosting(maxBins: 256), "max_bins"), (GradientBoosting(maxBins: 1), "max_bins"),
            (GradientBoosting(subsample: 0), "subsample"), (GradientBoosting(colsample: 1.5), "colsample"),
            (GradientBoosting(nIterNoChange: -1), "n_iter_no_change"),
            (GradientBoosting(validationFraction: 1, nIterNoChange: 3), "validation_fraction"),
        ]
        for (estimator, name) in bad {
            var context = TrainingContext(seed: 0, threads: 1)
            let error = #expect(throws: MLOpsError.self) { _ = try estimator.fit(data, context: &context) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(name) == true, "\(error?.message ?? "")")
        }
    }

    @Test func parametersParseByNameAndAlias() throws {
        let estimator = try GradientBoosting(parameters: [
            "n_estimators": "7", "learning_rate": "0.05", "max_leaves": "63", "max_depth": "4", "lambda_l2": "1",
            "colsample_bytree": "0.5", "subsample": "0.8", "max_bins": "63", "min_samples_leaf": "3",
            "min_child_weight": "0.1", "n_iter_no_change": "2", "validation_fraction": "0.25",
        ])
        #expect(estimator.nEstimators == 7 && estimator.numLeaves == 63 && estimator.colsample == 0.5)
        #expect(estimator.maxDepth == 4 && estimator.maxBins == 63 && estimator.nIterNoChange == 2)
        let roundTrip = try GradientBoosting(parameters: estimator.parameters)
        #expect(roundTrip.parameters == estimator.parameters)
        #expect(Set(estimator.parameters.keys) == Set(GradientBoosting.parameterNames))
        let unknown = #expect(throws: MLOpsError.self) { _ = try GradientBoosting(parameters: ["depth": "3"]) }
        #expect(unknown?.code == .invalidArgument)
        #expect(unknown?.message.contains("num_leaves") == true)
        let notNumber = #expect(throws: MLOpsError.self) { _ = try GradientBoosting(parameters: ["num_leaves": "x"]) }
        #expect(notNumber?.message.contains("num_leaves") == true)
    }

    @Test func predictRejectsTheWrongColumnCount() throws {
        let dataset = try ReferenceDataset.load("diabetes")
        let model = try Self.fit(dataset.trainData(), GradientBoosting(nEstimators: 3))
        let narrow = try FeatureMatrix(rowCount: 1, values: [1, 2], featureNames: ["a", "b"])
        #expect(throws: MLOpsError.invalidArgument) { _ = try model.predict(narrow) }
        var builder = GraphBuilder()
        let input = builder.input(elementType: .float32, width: 3)
        #expect(throws: MLOpsError.invalidArgument) { _ = try model.export(into: &builder, input: input) }
    }

    @Test func malformedEncodedModelsAreCorruptData() throws {
        let dataset = try ReferenceDataset.load("digits")
        let model = try Self.fit(dataset.trainData().rows(Array(0..<300)), GradientBoosting(nEstimators: 2))
        let bytes = model.encoded()
        #expect(try FittedGradientBoosting(encoded: bytes).encoded() == bytes)
        var random = SeededRandom(seed: 4)
        var cases: [[UInt8]] = [[], Array(bytes.prefix(8)), Array(bytes.dropLast()), bytes + [0]]
        for _ in 0..<200 {
            var damaged = bytes
            let index = random.int(in: 8..<damaged.count)
            damaged[index] ^= UInt8(1 << random.int(in: 0..<8))
            cases.append(damaged)
        }
        for damaged in cases {
            do {
                let decoded = try FittedGradientBoosting(encoded: damaged)
                // A flip in a threshold or leaf value still decodes; the result must be usable.
                _ = try decoded.predict(dataset.testData().features.rows([0, 1]))
            } catch let error as MLOpsError {
                #expect(error.code == .corruptData)
            }
        }
    }
}

/// Stops training at a given iteration.
struct StopAt: TrainingCallback {
    let iteration: Int
    mutating func iterationEnded(_ report: IterationReport) -> TrainingDecision {
        report.iteration >= iteration ? .stop : .proceed
    }
    mutating func trainingEnded(_ last: IterationReport?) {}
}

extension FittedGradientBoosting {
    /// Whether some split sends NaN left and another right.
    var treeEnsembleUsesBothMissingDirections: Bool {
        guard let ensemble = try? treeEnsemble() else { return false }
        var directions: Set<TreeEnsemble.MissingValues> = []
        for tree in ensemble.trees {
            for case .branch(let branch) in tree.nodes { directions.insert(branch.missing) }
        }
        return directions.count == 2
    }
}
