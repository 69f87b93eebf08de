import MLOpsCore

/// Linear least squares with an L2 penalty (ridge regression), solved in closed form; `alpha: 0` is
/// ordinary least squares (scikit-learn's `LinearRegression`).
///
/// It minimises `‖y − Xw − b‖² + alpha·‖w‖²` over the training rows, as scikit-learn's `Ridge`: the
/// intercept `b` is not penalised (X and y are centred on their means, then
/// `(XᵀX + alpha·I) w = Xᵀy` is solved and `b = mean(y) − mean(X)·w`).
///
/// **Solver.** Everything is in double precision. With `alpha > 0` the system is solved by Cholesky;
/// when that fails or the system is badly conditioned, and always for `alpha = 0`, the minimum-norm
/// least-squares solution comes from a Householder QR of the centred features followed by an SVD of
/// the triangular factor — numpy's `lstsq`, so collinear columns share their weight as in
/// scikit-learn (singular values below `ε·max(rows, columns)·σ_max` count as zero).
///
/// The features must be finite (impute missing values first). Ridge only fits regression targets.
public struct Ridge: Estimator {
    /// The model ``fit(_:context:)`` produces.
    public typealias Fitted = FittedRidge

    /// `"ridge"`.
    public static let name = "ridge"
    /// The names ``init(parameters:)`` accepts.
    public static let parameterNames = ["alpha", "fit_intercept"]

    /// The most feature columns ``fit(_:context:)`` takes (it forms a features × features matrix).
    public static let maxFeatures = 16384

    /// `alpha`: the strength of the L2 penalty on the weights (not the intercept). Default 1; any
    /// finite value ≥ 0; 0 is ordinary least squares.
    public var alpha: Double
    /// `fit_intercept`: whether to fit an intercept (otherwise it is 0 and nothing is centred).
    /// Default `true`.
    public var fitIntercept: Bool

    /// A ridge regression with the given hyperparameters (checked by ``fit(_:context:)``).
    public init(alpha: Double = 1.0, fitIntercept: Bool = true) {
        self.alpha = alpha
        self.fitIntercept = fitIntercept
    }

    /// The hyperparameters named as in ``parameters`` (`alpha`, `fit_intercept`); absent ones keep
    /// their defaults.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for an unknown name (listing the valid ones) or a
    ///   value that does not parse or is out of range.
    public init(parameters: [String: String]) throws {
        try LinearEstimatorSupport.checkNames(parameters, valid: Self.parameterNames, estimator: Self.name)
        self.init()
        if let value = try LinearEstimatorSupport.double(parameters, "alpha") { alpha = value }
        if let value = try LinearEstimatorSupport.bool(parameters, "fit_intercept") { fitIntercept = value }
        try validate()
    }

    /// Every hyperparameter as text.
    public var parameters: [String: String] {
        ["alpha": String(alpha), "fit_intercept": String(fitIntercept)]
    }

    /// Fits the weights and intercept to `data`.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for an invalid hyperparameter, a classification
    ///   target, no feature columns, or a missing or infinite feature (naming the column and row);
    ///   `limitExceeded` for more than ``maxFeatures`` features.
    public func fit(_ data: TrainingData, context: inout TrainingContext) throws -> FittedRidge {
        try validate()
        guard data.task == .regression else {
            throw MLOpsError(
                .invalidArgument,
                "ridge is a regressor but the target \(data.target.name) is a \(data.task) target; "
                    + "use logistic for classes, or force the regression task",
                value: data.task.rawValue)
        }
        let features = data.features
        try LinearEstimatorSupport.checkFeatures(features, estimator: Self.name)
        let n = features.rowCount
        let p = features.columnCount
        let y = data.target.values
        guard p <= Self.maxFeatures else {
            throw MLOpsError(
                .limitExceeded,
                "ridge solves a \(p) × \(p) system; at most \(Self.maxFeatures) features are supported",
                value: String(p))
        }

        // Means of the columns and of the target (zero when no intercept is fitted).
        var xMean = [Double](repeating: 0, count: p)
        var yMean = 0.0
        if fitIntercept {
            features.values.withUnsafeBufferPointer { x in
                for i in 0..<n { for j in 0..<p { xMean[j] += x[i * p + j] } }
            }
            for j in 0..<p { xMean[j] /= Double(n) }
            yMean = y.reduce(0, +) / Double(n)
        }
        var centred = features.values
        var yc = y
        centred.withUnsafeMutableBufferPointer { x in
            for i in 0..<n { for j in 0..<p { x[i * p + j] -= xMean[j] } }
        }
        for i in 0..<n { yc[i] -= yMean }

        var weights: [Double]?
        if alpha > 0 {
            // Normal equations: G = XcᵀXc + αI (lower triangle), r = Xcᵀyc.
            var gram = [Double](repeating: 0, count: p * p)
            var rhs = [Double](repeating: 0, count: p)
            centred.withUnsafeBufferPointer { x in
                gram.withUnsafeMutableBufferPointer { g in
                    for i in 0..<n {
                        let row = x.baseAddress! + i * p
                        for a in 0..<p {
                            let value = row[a]
                            for b in 0...a { g[a * p + b] += value * row[b] }
                            rhs[a] += value * yc[i]
                        }
                    }
                }
            }
            for a in 0..<p { gram[a * p + a] += alpha }
            weights = DenseSolver.choleskySolve(gram, size: p, rhs: rhs, maxCondition: 1e10)
            if weights == nil {
                // The augmented problem [Xc; √α·I] w ≈ [yc; 0] has the same solution.
                let root = alpha.squareRoot()
                var augmented = centred
                augmented.reserveCapacity((n + p) * p)
                for a in 0..<p {
                    for b in 0..<p { augmented.append(a == b ? root : 0) }
                }
                weights =
                    DenseSolver.leastSquares(
                        augmented, rows: n + p, columns: p, rhs: yc + [Double](repeating: 0, count: p)
                    ).solution
            }
        } else {
            weights = DenseSolver.leastSquares(centred, rows: n, columns: p, rhs: yc).solution
        }
        let w = weights ?? [Double](repeating: 0, count: p)
        var intercept = 0.0
        if fitIntercept {
            intercept = yMean
            for j in 0..<p { intercept -= xMean[j] * w[j] }
        }
        guard w.allSatisfy(\.isFinite), intercept.isFinite else {
            throw MLOpsError(
                .invalidArgument, "the ridge solution is not finite: the features or target are too large",
                value: data.target.name)
        }
        return FittedRidge(
            featureNames: features.featureNames, coefficients: w, intercept: intercept, parameters: parameters)
    }

    private func validate() throws {
        guard alpha.isFinite, alpha >= 0 else {
            throw MLOpsError(
                .invalidArgument, "the parameter alpha must be a finite number ≥ 0", value: String(alpha))
        }
    }
}
