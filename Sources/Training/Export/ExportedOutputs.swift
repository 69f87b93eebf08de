/// The values an exported estimator computes, which ``GraphBuilder/finish(name:input:outputs:task:)``
/// turns into the graph's outputs.
///
/// Regression sets ``prediction``; classification sets ``probabilities`` (all classes, [N, K] with
/// K ≥ 2, rows summing to 1). The finished graph's outputs follow `Model`'s table columns:
/// `prediction` [N] for regression, `probability` [N] (of class 1) for binary, `probability`
/// [N, K] for multiclass, and `label` [N] (`int64` class index) for classification.
public struct ExportedOutputs: Sendable, Hashable {
    /// Regression: the prediction, [N, 1] or [N].
    public var prediction: GraphValue?
    /// Classification: the probability of each class, [N, K].
    public var probabilities: GraphValue?

    /// Outputs of a regressor.
    public init(prediction: GraphValue) {
        self.prediction = prediction
        self.probabilities = nil
    }

    /// Outputs of a classifier.
    public init(probabilities: GraphValue) {
        self.prediction = nil
        self.probabilities = probabilities
    }
}
