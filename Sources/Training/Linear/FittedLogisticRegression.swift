import InferenceCore
import MLOpsCore

/// A fitted ``LogisticRegression``: class probabilities from linear scores.
///
/// Binary: one weight vector; `P(class 1) = σ(x·w + b)`. Multiclass: one weight vector per class;
/// the probabilities are the softmax of the K scores.
public struct FittedLogisticRegression: FittedEstimator, Hashable {
    /// The names of the features, in order.
    public let featureNames: [String]
    /// The class labels, in class-index order.
    public let classLabels: [String]
    /// The weights: one row (the log-odds of class 1) for a binary model, one row per class for a
    /// multiclass one; each row has a weight per feature.
    public let coefficients: [[Double]]
    /// The intercept of each row of ``coefficients`` (a multiclass model's sum to 0).
    public let intercepts: [Double]
    /// The L-BFGS iterations the fit took.
    public let iterations: Int
    /// Whether the fit reached its tolerance (rather than its iteration limit, a stalled line
    /// search or a callback's stop).
    public let converged: Bool
    /// The largest absolute gradient component of the scaled objective at the solution.
    public let gradientMaxAbs: Double
    /// The hyperparameters it was fitted with, as text.
    public let parameters: [String: String]

    /// A model from its parts (``iterations`` 0, ``converged`` `true`).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when the shapes disagree (one row for two labels,
    ///   one per label for three or more, one weight per feature, one intercept per row) or a value
    ///   is not finite.
    public init(featureNames: [String], classLabels: [String], coefficients: [[Double]], intercepts: [Double]) throws {
        let rows = classLabels.count == 2 ? 1 : classLabels.count
        guard classLabels.count >= 2, coefficients.count == rows, intercepts.count == rows,
            coefficients.allSatisfy({ $0.count == featureNames.count && $0.allSatisfy(\.isFinite) }),
            intercepts.allSatisfy(\.isFinite)
        else {
            throw MLOpsError(
                .invalidArgument,
                "a logistic model with \(classLabels.count) classes and \(featureNames.count) features needs "
                    + "\(rows) rows of finite weights and intercepts", value: String(coefficients.count))
        }
        self.init(
            featureNames: featureNames, classLabels: classLabels, coefficients: coefficients, intercepts: intercepts,
            iterations: 0, converged: true, gradientMaxAbs: 0, parameters: [:])
    }

    init(
        featureNames: [String], classLabels: [String], coefficients: [[Double]], intercepts: [Double],
        iterations: Int, converged: Bool, gradientMaxAbs: Double, parameters: [String: String]
    ) {
        self.featureNames = featureNames
        self.classLabels = classLabels
        self.coefficients = coefficients
        self.intercepts = intercepts
        self.iterations = iterations
        self.converged = converged
        self.gradientMaxAbs = gradientMaxAbs
        self.parameters = parameters
    }

    /// ``TrainingTask/binary`` for two classes, else ``TrainingTask/multiclass``.
    public var task: TrainingTask { classLabels.count == 2 ? .binary : .multiclass }
    /// The number of features.
    public var featureCount: Int { featureNames.count }

    /// The probability of every class for each row, in double precision (two columns for binary).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for a different number of columns, or a missing or
    ///   infinite value (naming the column and row).
    public func predict(_ features: FeatureMatrix) throws -> Predictions {
        try LinearEstimatorSupport.checkWidth(features, count: featureCount)
        try LinearEstimatorSupport.checkFeatures(features, estimator: LogisticRegression.name)
        let p = featureCount
        let k = classLabels.count
        let n = features.rowCount
        var out = [Double](repeating: 0, count: n * k)
        var scores = [Double](repeating: 0, count: coefficients.count)
        features.values.withUnsafeBufferPointer { x in
            for i in 0..<n {
                for r in coefficients.indices {
                    var sum = intercepts[r]
                    let w = coefficients[r]
                    for j in 0..<p { sum += x[i * p + j] * w[j] }
                    scores[r] = sum
                }
                if k == 2 {
                    let z = scores[0]
                    let e = Platform.exp(-abs(z))
                    let positive = z >= 0 ? 1 / (1 + e) : e / (1 + e)
                    let negative = z >= 0 ? e / (1 + e) : 1 / (1 + e)
                    out[i * 2] = negative
                    out[i * 2 + 1] = positive
                } else {
                    let largest = scores.max() ?? 0
                    var total = 0.0
                    for r in 0..<k {
                        scores[r] = Platform.exp(scores[r] - largest)
                        total += scores[r]
                    }
                    for r in 0..<k { out[i * k + r] = scores[r] / total }
                }
            }
        }
        return try Predictions(probabilities: out, classCount: k)
    }

    /// Appends a `gemm` of the class scores and a `softmax` giving the [N, K] probabilities in
    /// `float32`; a binary model's scores are `[0, z]`, whose softmax is `[1 − σ(z), σ(z)]`.
    public func export(into builder: inout GraphBuilder, input: GraphValue) throws -> ExportedOutputs {
        var weights: [Double]
        var bias: [Double]
        if classLabels.count == 2 {
            weights = [Double](repeating: 0, count: featureCount) + coefficients[0]
            bias = [0, intercepts[0]]
        } else {
            weights = coefficients.flatMap { $0 }
            bias = intercepts
        }
        let scores = try LinearEstimatorSupport.exportAffine(
            into: &builder, input: input, weights: weights, bias: bias, hint: "logistic_scores")
        let probabilities = builder.add(
            .softmax(axis: 1), inputs: [scores.name], output: (.float32, bias.count), hint: "logistic_probabilities")
        return ExportedOutputs(probabilities: probabilities)
    }
}
