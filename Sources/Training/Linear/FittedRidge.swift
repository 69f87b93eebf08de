import MLOpsCore

/// A fitted ``Ridge`` (or ordinary least squares) model: `prediction = features · coefficients +
/// intercept`.
public struct FittedRidge: FittedEstimator, Hashable {
    /// The names of the features, in order.
    public let featureNames: [String]
    /// The weight of each feature, in the order of ``featureNames``.
    public let coefficients: [Double]
    /// The intercept (0 when none was fitted).
    public let intercept: Double
    /// The hyperparameters it was fitted with, as text.
    public let parameters: [String: String]

    /// A model from its parts.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when there is not one coefficient per feature or a
    ///   value is not finite.
    public init(featureNames: [String], coefficients: [Double], intercept: Double) throws {
        guard coefficients.count == featureNames.count, coefficients.allSatisfy(\.isFinite), intercept.isFinite else {
            throw MLOpsError(
                .invalidArgument, "a linear model needs one finite coefficient per feature and a finite intercept",
                value: String(coefficients.count))
        }
        self.init(featureNames: featureNames, coefficients: coefficients, intercept: intercept, parameters: [:])
    }

    init(featureNames: [String], coefficients: [Double], intercept: Double, parameters: [String: String]) {
        self.featureNames = featureNames
        self.coefficients = coefficients
        self.intercept = intercept
        self.parameters = parameters
    }

    /// Always ``TrainingTask/regression``.
    public var task: TrainingTask { .regression }
    /// The number of features.
    public var featureCount: Int { featureNames.count }
    /// Empty: a regressor has no classes.
    public var classLabels: [String] { [] }

    /// The prediction of each row, in double precision.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a different number of columns, or a missing or
    ///   infinite value (naming the column and row).
    public func predict(_ features: FeatureMatrix) throws -> Predictions {
        try LinearEstimatorSupport.checkWidth(features, count: featureCount)
        try LinearEstimatorSupport.checkFeatures(features, estimator: Ridge.name)
        let p = featureCount
        var out = [Double](repeating: intercept, count: features.rowCount)
        features.values.withUnsafeBufferPointer { x in
            coefficients.withUnsafeBufferPointer { w in
                for i in 0..<features.rowCount {
                    var sum = 0.0
                    for j in 0..<p { sum += x[i * p + j] * w[j] }
                    out[i] += sum
                }
            }
        }
        return Predictions(regression: out)
    }

    /// Appends a `gemm` computing the [N, 1] prediction in `float32`.
    public func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs {
        let prediction = try LinearEstimatorSupport.exportAffine(
            into: &builder, input: input, weights: coefficients, bias: [intercept], hint: "ridge")
        return ExportedOutputs(prediction: prediction)
    }
}
