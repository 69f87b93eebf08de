public import ExperimentTracking
import InferenceCore
public import MLOpsCore

extension Trainer {
    /// The run artifact path of a trained pipeline's model package.
    public static let modelArtifactPath = "model/model.mlpkg"

    /// Trains `pipeline` on `table` to predict `target`, as a tracked job (see ``Trainer``).
    ///
    /// The run gets the estimator's hyperparameters and the preprocessing steps as params, the
    /// per-iteration metrics, the final metrics of the exported model on the training rows
    /// (`train_accuracy`, `train_rmse`, … — the names of ``Evaluation``) and, when `validation` is
    /// given, on those rows (`validation_…`), the model package as the artifact
    /// ``modelArtifactPath``, and the tags `mlops.task` and `mlops.target`.
    ///
    /// - Parameters:
    ///   - pipeline: The steps and estimator.
    ///   - table: The training rows.
    ///   - target: The target column.
    ///   - validation: Rows to score the model on after training (not used for fitting).
    ///   - inputs: The datasets to record as the run's inputs (the data-version commit when known).
    ///   - runName: The run's name; generated when `nil`.
    /// - Throws: The errors of ``FeaturePipeline/fit(_:target:context:)`` and ``run(_:fit:summarize:)``;
    ///   for `validation`, the errors of predicting it and of ``Evaluation/init(predictions:target:)``.
    public func train(
        _ pipeline: FeaturePipeline, on table: Table, target: String, validation: Table? = nil,
        inputs: [DatasetInput] = [], runName: String? = nil
    ) async throws -> TrainingOutcome<FittedPipeline> {
        let estimator = pipeline.estimator
        var parameters = estimator.parameters
        parameters["preprocessing"] = pipeline.steps.map { String(describing: type(of: $0)) }.joined(separator: ",")
        var fingerprint = SHA256()
        fingerprint.update(try CSVWriter.encode(table))
        fingerprint.update(Array("\u{0}target=\(target)\u{0}task=\(pipeline.task?.rawValue ?? "inferred")".utf8))
        for step in pipeline.steps { fingerprint.update(Array("\u{0}\(step)".utf8)) }
        let job = TrainingJob(
            estimator: type(of: estimator).name, parameters: parameters,
            dataFingerprint: fingerprint.finalize().hexString, inputs: inputs, runName: runName)
        return try await run(
            job,
            fit: { context in try pipeline.fit(table, target: target, context: &context) },
            summarize: { fitted in
                var metrics: [String: Double] = [:]
                for (prefix, rows) in [("train_", table), ("validation_", validation)] {
                    guard let rows else { continue }
                    for (name, value) in try fitted.evaluate(rows).metrics { metrics[prefix + name] = value }
                }
                return TrainingSummary(
                    metrics: metrics, artifacts: [Self.modelArtifactPath: try fitted.model.package.encoded()],
                    tags: ["mlops.task": fitted.task.rawValue, "mlops.target": fitted.target])
            })
    }
}

extension FittedPipeline {
    /// Scores the exported model on `table`, which holds the model's input columns and the target.
    ///
    /// The predictions are the ``model``'s (what ships), the target decoded with the model's
    /// classes.
    ///
    /// - Throws: `MLOpsError` `notFound` when the table lacks the target column; the errors of
    ///   predicting and of ``Evaluation/init(predictions:target:)``; `invalidArgument` naming a
    ///   target value that is not one of the model's classes.
    public func evaluate(_ table: Table) throws -> Evaluation {
        guard let column = table.column(named: target) else {
            throw MLOpsError(.notFound, "the table has no target column named \(target)", value: target)
        }
        let decoded =
            task.isClassification
            ? try TrainingTarget(column, classLabels: classLabels) : try TrainingTarget(column, task: .regression)
        let output = try predict(table)
        let predictions = try Predictions(predictionTable: output, task: task, classCount: classLabels.count)
        return try Evaluation(predictions: predictions, target: decoded)
    }
}
