public import ExperimentTracking
import InferenceCore
import MLOpsCore

extension Trainer {
    /// Trains `estimator` on `data` as a tracked job (see ``Trainer``), without preprocessing.
    ///
    /// The run gets the hyperparameters, the per-iteration metrics, the final metrics of the
    /// double-precision predictions on the training rows (`train_…`, the names of ``Evaluation``)
    /// and on `validation` when given (`validation_…`), and the estimator exported as a model
    /// package (artifact ``modelArtifactPath``; one `float64` input `features` with the data's
    /// feature names).
    ///
    /// - Throws: The estimator's errors, the errors of ``run(_:fit:summarize:)`` and of
    ///   ``Evaluation/init(predictions:target:)``; `MLOpsError` `invalidArgument` when `validation`
    ///   has other features or another task.
    public func train<E: Estimator>(
        _ estimator: E, on data: TrainingData, validation: TrainingData? = nil, inputs: [DatasetInput] = [],
        runName: String? = nil
    ) async throws -> TrainingOutcome<E.Fitted> {
        if let validation {
            guard validation.features.featureNames == data.features.featureNames, validation.task == data.task else {
                throw MLOpsError(
                    .invalidArgument, "the validation rows have other features or another task than the training rows",
                    value: validation.target.name)
            }
        }
        let job = TrainingJob(
            estimator: E.name, parameters: estimator.parameters, dataFingerprint: data.fingerprint, inputs: inputs,
            runName: runName)
        return try await run(
            job,
            fit: { context in try estimator.fit(data, context: &context) },
            summarize: { fitted in
                var metrics: [String: Double] = [:]
                for (prefix, rows) in [("train_", data), ("validation_", validation)] {
                    guard let rows else { continue }
                    let evaluation = try Evaluation(predictions: fitted.predict(rows.features), target: rows.target)
                    for (name, value) in evaluation.metrics { metrics[prefix + name] = value }
                }
                var builder = GraphBuilder()
                let input = builder.input(elementType: .float64, width: fitted.featureCount)
                let outputs = try fitted.export(into: &builder, input: input)
                let graph = try builder.finish(name: E.name, input: input, outputs: outputs, task: fitted.task)
                let model = try Model(
                    graph: graph, featureNames: fitted.featureNames,
                    metadata: [
                        "mlops.task": fitted.task.rawValue, "mlops.target": data.target.name,
                        "mlops.estimator": E.name, "mlops.class_labels": PipelineExport.jsonArray(fitted.classLabels),
                    ])
                return TrainingSummary(
                    metrics: metrics, artifacts: [Self.modelArtifactPath: try model.package.encoded()],
                    tags: ["mlops.task": fitted.task.rawValue, "mlops.target": data.target.name])
            })
    }
}
