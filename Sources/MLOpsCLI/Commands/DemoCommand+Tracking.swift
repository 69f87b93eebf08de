import MLOps

extension DemoCommand {
    /// Step 6 of the demo: models trained with the Training module on the committed data, as
    /// tracked runs (params, per-iteration metrics, the data commit as the input, the model
    /// package as an artifact), each scored on held-out rows; then the best run of each experiment.
    ///
    /// - Regression (`demo-regression`): the training mean as a baseline run, and the `linear`
    ///   recipe (least squares: ridge with alpha 0, missing x2 imputed) on x0, x1, x2 → y.
    /// - Classification (`demo-classification`): the `gbdt` and `logistic` recipes on x0, x1, x2 →
    ///   label, on a split stratified by label; the better is the one with the higher held-out ROC
    ///   AUC.
    ///
    /// - Returns: The two classifiers, as trained models with their runs and held-out metrics, and
    ///   the held-out rows they were scored on.
    static func trackExperiments(
        workspace: Workspace, table: Table, split: TrainTestSplit, seed: UInt64, dataVersion: ObjectID,
        say: @Sendable (String) -> Void
    ) async throws -> (classifiers: [TrainedClassifier], holdout: Table) {
        let tracker = try await workspace.tracking
        let input = DatasetInput(
            name: dataFileName, digest: String(dataVersion.hex.prefix(TrackingLimits.maxDatasetDigestLength)),
            context: "training", source: dataVersion.description, sourceType: dataVersionSourceType,
            dataVersionID: dataVersion.description)

        // Regression: the mean baseline and least squares.
        let regression = try table.select(columns: ["x0", "x1", "x2", "y"])
        let train = try regression.rows(split.train)
        let test = try regression.rows(split.test)
        let y = try train.doubles(column: "y")
        let mean = y.reduce(0, +) / Double(y.count)
        let baseline = try Evaluation(
            predictions: Predictions(regression: Array(repeating: mean, count: test.rowCount)),
            target: TrainingTarget(test.column(named: "y")!, task: .regression))
        let regressionExperiment = "demo-regression"
        try await tracker.withRun(experiment: regressionExperiment, name: "baseline-mean") { run in
            try await run.log(params: ["estimator": "mean of the training target", "seed": String(seed)])
            try await run.logInput(input)
            try await run.log(metrics: baseline.metrics.reduce(into: [:]) { $0["validation_" + $1.key] = $1.value })
        }
        let trainer = Trainer(
            tracker: tracker, experiment: regressionExperiment, checkpoints: workspace.objects, seed: seed)
        let linear = try await trainer.train(
            TrainingRecipe.linear.pipeline(for: train, target: "y", parameters: ["alpha": "0"]), on: train,
            target: "y", validation: test, inputs: [input], runName: "linear")
        say(
            "training         \(regressionExperiment): y from x0, x1, x2 on \(train.rowCount) rows, scored on "
                + "\(test.rowCount) held out: baseline-mean RMSE \(format(baseline.metrics["rmse"] ?? .nan)), "
                + "linear (least squares) RMSE \(format(linear.metrics["validation_rmse"] ?? .nan)), "
                + "R² \(format(linear.metrics["validation_r2"] ?? .nan))")
        try await sayBest(tracker, regressionExperiment, metric: "validation_rmse", goal: .minimize, say: say)

        // Classification: gradient-boosted trees against logistic regression.
        let labelled = try table.select(columns: ["x0", "x1", "x2", "label"])
        let labels = try labelled.doubles(column: "label").map { Int($0) }
        let stratified = try TrainTestSplit(
            rowCount: labelled.rowCount, testFraction: 0.2, seed: seed, stratifyBy: labels)
        let classTrain = try labelled.rows(stratified.train)
        let classTest = try labelled.rows(stratified.test)
        let classExperiment = "demo-classification"
        var classTrainer = trainer
        classTrainer.experiment = classExperiment
        var classifiers: [TrainedClassifier] = []
        for recipe in [TrainingRecipe.gbdt, .logistic] {
            let started = Platform.monotonicNanoseconds()
            let outcome = try await classTrainer.train(
                recipe.pipeline(for: classTrain, target: "label"), on: classTrain, target: "label",
                validation: classTest, inputs: [input], runName: recipe.rawValue)
            let seconds = Double(Platform.monotonicNanoseconds() &- started) / 1e9
            say(
                "training         \(classExperiment): \(recipe) (\(recipe.summary)) on \(classTrain.rowCount) rows in "
                    + "\(format(seconds)) s, \(outcome.reports.count) iterations logged; held-out "
                    + "ROC AUC \(format(outcome.metrics["validation_roc_auc"] ?? .nan)), "
                    + "accuracy \(format(outcome.metrics["validation_accuracy"] ?? .nan)), "
                    + "log loss \(format(outcome.metrics["validation_log_loss"] ?? .nan)); run \(outcome.runID ?? "")")
            classifiers.append(
                TrainedClassifier(
                    recipe: recipe, model: outcome.fitted.model, runID: outcome.runID, metrics: outcome.metrics))
        }
        try await sayBest(tracker, classExperiment, metric: "validation_roc_auc", goal: .maximize, say: say)
        return (classifiers, classTest)
    }

    /// A classifier the demo trained: the exported model, its tracked run and its held-out metrics.
    struct TrainedClassifier: Sendable {
        var recipe: TrainingRecipe
        var model: Model
        var runID: String?
        var metrics: [String: Double]
    }

    /// Prints the run of `experiment` with the best `metric`.
    static func sayBest(
        _ tracker: ExperimentTracker, _ experiment: String, metric: String, goal: MetricGoal,
        say: @Sendable (String) -> Void
    ) async throws {
        guard let id = try await tracker.experiment(named: experiment)?.id,
            let best = try await tracker.bestRun(experimentIDs: [id], metric: metric, goal: goal),
            let value = best.metrics[metric]?.value
        else {
            throw MLOpsError(.notFound, "the demo experiment has no run with the metric \(metric)", value: experiment)
        }
        say(
            "                 best \(metric) of every run in '\(experiment)': \(best.info.runName) \(format(value)) "
                + "(run \(best.info.runID))")
    }
}

extension TrainingRecipe {
    /// What the recipe trains, in a few words, for the demo's output.
    var summary: String {
        switch self {
        case .linear: "ridge regression"
        case .logistic: "L2 logistic regression on standardised features"
        case .mlp: "a 64-unit ReLU network"
        case .gbdt: "100 histogram gradient-boosted trees, 31 leaves"
        }
    }
}
