public import InferenceCore
public import MLOpsCore

/// A fitted ``FeaturePipeline``: the fitted steps, the fitted estimator, and the `Model` that
/// applies both.
///
/// ``predict(_:)`` runs ``model``, the same graph a written package holds, so predictions in
/// process and after loading are the same code path. ``predictions(_:)`` applies the steps and the
/// estimator in double precision, for evaluation during training.
public struct FittedPipeline: Sendable {
    /// The fitted preprocessing steps, in order.
    public let steps: [any FittedTransformer]
    /// The fitted estimator.
    public let estimator: any FittedEstimator
    /// The target column's name.
    public let target: String
    /// The raw table columns the model reads, in the order the model takes them.
    public let inputColumns: [String]
    /// The estimator's features: the columns after the steps.
    public let featureNames: [String]
    /// The exported model: steps and estimator as one graph, with metadata `mlops.task`,
    /// `mlops.target`, `mlops.class_labels` (a JSON array), `mlops.estimator`,
    /// `mlops.input_columns`, `mlops.feature_names` and `mlops.param.<name>` for each
    /// hyperparameter. `model.write(to:)` writes it as a package.
    public let model: Model

    /// The task the pipeline was trained for.
    public var task: TrainingTask { estimator.task }
    /// Classification: the class labels, in class-index order (the `label` output is an index
    /// into them). Empty for regression.
    public var classLabels: [String] { estimator.classLabels }

    init(
        steps: [any FittedTransformer], estimator: any FittedEstimator, target: String, inputColumns: [String],
        featureNames: [String], model: Model
    ) {
        self.steps = steps
        self.estimator = estimator
        self.target = target
        self.inputColumns = inputColumns
        self.featureNames = featureNames
        self.model = model
    }

    /// Runs ``model`` over the rows of `table`, reading ``inputColumns`` (other columns, such as
    /// the target, are ignored).
    ///
    /// The result's columns are the model's outputs: `prediction` for regression; `probability`
    /// (of class 1) and `label` (class index) for binary; `probability_0…probability_{K-1}` and
    /// `label` for multiclass.
    ///
    /// - Throws: `MLOpsError` `notFound` naming a missing input column; errors of the model.
    public func predict(_ table: Table) throws -> Table {
        try model.predict(table.select(columns: inputColumns))
    }

    /// The features of `table` after the steps, in double precision.
    ///
    /// - Throws: `MLOpsError` from the steps; `invalidArgument` naming a text column left.
    public func transform(_ table: Table) throws -> FeatureMatrix {
        var current = try table.select(columns: inputColumns)
        for step in steps { current = try step.transform(current) }
        return try FeatureMatrix(current, columns: featureNames)
    }

    /// The estimator's double-precision predictions for `table`, after the steps' transforms.
    ///
    /// - Throws: as ``transform(_:)``, and the estimator's errors.
    public func predictions(_ table: Table) throws -> Predictions {
        try estimator.predict(transform(table))
    }
}
