import MLOpsCore

/// The quality of a model's ``Predictions`` against the true ``TrainingTarget``, as a dictionary
/// keyed by the metric names the command-line tool and run logs use.
///
/// Make one from a fitted model's predictions for held-out rows and those rows' target, e.g.
/// `Evaluation(predictions: model.predict(test.features), target: test.target)`.
///
/// **Classification** (every value as scikit-learn computes it, see ``Metrics``; the predicted
/// class of a row is its most probable one, the first on ties):
/// - `accuracy`: ``Metrics/accuracy(predicted:actual:)``.
/// - `precision_macro`, `recall_macro`, `f1_macro`, `f1_weighted`:
///   ``Metrics/precisionRecallF1(predicted:actual:average:labels:)`` over the classes that occur
///   in the targets or the predictions (scikit-learn's default labels).
/// - `roc_auc`: binary, of the probability of class 1; multiclass, one-vs-rest macro average.
///   Left out when a class of the model does not occur in the targets (undefined; scikit-learn
///   returns NaN).
/// - `log_loss`: of all the model's classes (`labels=range(classCount)`).
/// - Binary only: `precision`, `recall`, `f1` (of class 1), `brier`
///   (``Metrics/brierScore(positiveProbabilities:actual:)``), `pr_auc`
///   (``Metrics/averagePrecision(scores:actual:)``).
///
/// **Regression**: `mse`, `rmse`, `mae`, `r2` (`r2` is left out for a single row).
public struct Evaluation: Sendable, Hashable {
    /// The task evaluated.
    public let task: TrainingTask
    /// The number of rows evaluated.
    public let rowCount: Int
    /// The measures by name (see ``Evaluation``).
    public let metrics: [String: Double]
    /// Classification: the counts of true class against predicted class; `nil` for regression.
    public let confusionMatrix: ConfusionMatrix?

    /// The metric names of `task`, in the order a report lists them (a name is missing from
    /// ``metrics`` when it is undefined for the data, see ``Evaluation``).
    public static func metricNames(for task: TrainingTask) -> [String] {
        switch task {
        case .regression: return ["rmse", "mae", "r2", "mse"]
        case .multiclass:
            return ["accuracy", "f1_macro", "roc_auc", "log_loss", "precision_macro", "recall_macro", "f1_weighted"]
        case .binary:
            return [
                "accuracy", "f1_macro", "roc_auc", "log_loss", "precision_macro", "recall_macro", "f1_weighted",
                "precision", "recall", "f1", "brier", "pr_auc",
            ]
        }
    }

    /// Evaluates `predictions` against `target`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when the predictions are for another task (a
    ///   regressor's against classes, or the reverse), another number of rows, or another number
    ///   of classes; naming the row of the first NaN or infinite regression prediction, or the first
    ///   class probability that is NaN, outside [0, 1], or in a row that does not sum to 1 (within
    ///   |1 − sum| ≤ 1e-8 + 1e-5·sum, scikit-learn's check for multiclass ROC AUC).
    public init(predictions: Predictions, target: TrainingTarget) throws {
        guard predictions.task.isClassification == target.task.isClassification else {
            throw MLOpsError(
                .invalidArgument,
                "the predictions are for a \(predictions.task) task but the target \(target.name) is \(target.task)",
                value: target.name)
        }
        guard predictions.rowCount == target.count, target.count > 0 else {
            throw MLOpsError(
                .invalidArgument,
                "there are \(predictions.rowCount) predictions for the \(target.count) rows of target \(target.name)",
                value: String(predictions.rowCount))
        }
        task = target.task
        rowCount = target.count
        if !target.task.isClassification {
            let predicted = predictions.values
            let actual = target.values
            try Metrics.checkFinite(predicted, name: "regression predictions")
            let mse = try Metrics.meanSquaredError(predicted: predicted, actual: actual)
            var metrics = [
                "mse": mse, "rmse": mse.squareRoot(),
                "mae": try Metrics.meanAbsoluteError(predicted: predicted, actual: actual),
            ]
            metrics["r2"] = try Metrics.r2(predicted: predicted, actual: actual)
            self.metrics = metrics
            confusionMatrix = nil
            return
        }
        let classCount = target.classCount
        guard predictions.classCount == classCount else {
            throw MLOpsError(
                .invalidArgument,
                "the predictions have \(predictions.classCount) classes but the target \(target.name) has "
                    + "\(classCount)", value: String(predictions.classCount))
        }
        let probabilities = predictions.probabilities
        let actual = target.classes
        try Metrics.checkMatrix(probabilities, classCount: classCount, actual: actual)
        try Metrics.checkRowSums(probabilities, classCount: classCount)
        let predicted = predictions.labels
        let macro = try Metrics.precisionRecallF1(predicted: predicted, actual: actual, average: .macro)
        var metrics = [
            "accuracy": try Metrics.accuracy(predicted: predicted, actual: actual),
            "precision_macro": macro.precision, "recall_macro": macro.recall, "f1_macro": macro.f1,
            "f1_weighted": try Metrics.precisionRecallF1(predicted: predicted, actual: actual, average: .weighted).f1,
            "log_loss": try Metrics.logLoss(probabilities: probabilities, classCount: classCount, actual: actual),
        ]
        if classCount == 2 {
            let positive = predictions.positiveProbabilities
            let binary = try Metrics.precisionRecallF1(predicted: predicted, actual: actual, average: .binary)
            metrics["precision"] = binary.precision
            metrics["recall"] = binary.recall
            metrics["f1"] = binary.f1
            metrics["brier"] = try Metrics.brierScore(positiveProbabilities: positive, actual: actual)
            metrics["pr_auc"] = try Metrics.averagePrecision(scores: positive, actual: actual)
            metrics["roc_auc"] = try Metrics.rocAUC(scores: positive, actual: actual)
        } else {
            metrics["roc_auc"] = try Metrics.rocAUC(
                probabilities: probabilities, classCount: classCount, actual: actual)
        }
        self.metrics = metrics
        confusionMatrix = try ConfusionMatrix(predicted: predicted, actual: actual, classCount: classCount)
    }

    /// The measure named `name`, or `nil` when it is not defined for this task or data.
    public subscript(name: String) -> Double? { metrics[name] }
}
