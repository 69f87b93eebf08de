/// A learning algorithm with its hyperparameters: fitting it to ``TrainingData`` gives a
/// ``FittedEstimator``.
///
/// An estimator is a value: its hyperparameters are stored properties with scikit-learn-like
/// defaults, and fitting does not change it. All randomness comes from the context's generator, so
/// the same estimator, data, seed and build give a byte-identical model (see ``TrainingContext``).
///
/// ```swift
/// var context = TrainingContext(seed: 42)
/// let fitted = try Ridge(alpha: 1).fit(data, context: &context)
/// let predictions = try fitted.predict(testFeatures)
/// ```
public protocol Estimator: Sendable {
    /// The model fitting produces.
    associatedtype Fitted: FittedEstimator

    /// The short name of the algorithm (`"ridge"`, `"logistic"`, `"mlp"`, `"gbdt"`), logged as the
    /// run parameter `estimator`.
    static var name: String { get }

    /// The hyperparameters as text, logged as run parameters (every one, defaults included).
    var parameters: [String: String] { get }

    /// Fits the estimator to `data`.
    ///
    /// Iterative estimators report each iteration to `context` (which runs the callbacks, may stop
    /// early, and saves and restores checkpoints).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the problem: a task the estimator does not
    ///   support, a NaN feature for an estimator that cannot take missing values (naming the column
    ///   and row), an invalid hyperparameter (naming it and its value); errors of the context's
    ///   checkpoint store.
    func fit(_ data: TrainingData, context: inout TrainingContext) throws -> Fitted
}

/// A trained model: it predicts in double precision and exports itself to an InferenceCore graph.
///
/// The exported graph is what ships: ``FeaturePipeline`` builds one `Model` from the preprocessing
/// steps and the estimator's graph, and that model is what predicts in process and after loading.
public protocol FittedEstimator: Sendable {
    /// The task the model was trained for.
    var task: TrainingTask { get }
    /// The number of features it takes, in the order of ``featureNames``.
    var featureCount: Int { get }
    /// The names of the features it was trained on.
    var featureNames: [String] { get }
    /// Classification: the class labels, in class-index order. Empty for regression.
    var classLabels: [String] { get }

    /// Predicts in double precision.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `features` has a different number of columns,
    ///   or a NaN where the model cannot take one (naming the column and row).
    func predict(_ features: FeatureMatrix) throws -> Predictions

    /// Appends the nodes that compute the model's outputs from `input` to `builder`.
    ///
    /// - Parameters:
    ///   - builder: The graph being built; the nodes and constants are added to it.
    ///   - input: A value of shape [N, ``featureCount``], `float32` or `float64` (see
    ///     ``GraphValue/elementType``); NaN marks a missing value.
    /// - Returns: The values holding the model's outputs.
    /// - Throws: `MLOpsError` `unsupported` when the model cannot be expressed as a graph.
    func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs

}
