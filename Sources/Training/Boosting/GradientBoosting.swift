import MLOpsCore

/// Histogram-based gradient-boosted decision trees (like LightGBM and scikit-learn's
/// `HistGradientBoosting*`): regression with squared error, binary classification with log loss,
/// multiclass classification with softmax (one tree per class per round).
///
/// Features are binned once like LightGBM bins them (quantile bin edges from the training rows,
/// zero in a bin of its own between the negative and the positive values, NaN in a bin of its
/// own); trees grow leaf-wise (best gain first) from gradient/hessian histograms, building the smaller
/// child's histogram and subtracting it from the parent's for the larger one. Every split learns
/// where missing values go. Training runs on the context's pool and gives a byte-identical model
/// on any number of threads.
///
/// Hyperparameters use LightGBM's names; ``init(parameters:)`` also accepts a few common aliases
/// (`iterations`, `max_leaves`, `min_data_in_leaf`, `reg_lambda`, `max_bin`,
/// `bagging_fraction`, `colsample_bytree`, `feature_fraction`).
///
/// Early stopping (off by default) holds out ``validationFraction`` of the rows (drawn from the
/// context's generator), reports `validation_loss` each round, stops after ``nIterNoChange``
/// rounds without improvement and keeps the model of the best round.
public struct GradientBoosting: Estimator {
    /// `"gbdt"`.
    public static let name = "gbdt"

    /// `n_estimators`: boosting rounds (a multiclass round grows one tree per class). Default 100;
    /// 1 or more.
    public var nEstimators: Int
    /// `learning_rate`: the shrinkage applied to every leaf value. Default 0.1; finite and > 0.
    public var learningRate: Double
    /// `num_leaves`: the most leaves of a tree (grown best-first). Default 31; 2 to 65,536.
    public var numLeaves: Int
    /// `max_depth`: the deepest a leaf may be (the root is depth 0); -1 for no limit. Default -1;
    /// -1 or 1 or more.
    public var maxDepth: Int
    /// `min_child_weight`: the smallest hessian sum a leaf may have. Default 1e-3; ≥ 0.
    public var minChildWeight: Double
    /// `min_samples_leaf`: the fewest training rows a leaf may have (LightGBM's `min_data_in_leaf`:
    /// when choosing a split, a child's rows are estimated from its share of the hessian sum, which
    /// is exact for regression). Default 20; 1 or more.
    public var minSamplesLeaf: Int
    /// `lambda_l2`: the L2 penalty on leaf values (leaf value −G/(H+λ)). Default 0; ≥ 0.
    public var lambdaL2: Double
    /// `max_bins`: the most value bins per feature (missing values get one more). Default 255;
    /// 2 to 255.
    public var maxBins: Int
    /// `subsample`: the fraction of rows each round trains on (drawn per round). Default 1.0; in
    /// (0, 1].
    public var subsample: Double
    /// `colsample`: the fraction of features each tree may split on (drawn per tree). Default 1.0;
    /// in (0, 1].
    public var colsample: Double
    /// `validation_fraction`: the fraction of rows held out for early stopping (used only when
    /// ``nIterNoChange`` > 0). Default 0.1; in (0, 1).
    public var validationFraction: Double
    /// `n_iter_no_change`: stop after this many rounds without a lower validation loss; 0 turns
    /// early stopping off. Default 0; ≥ 0.
    public var nIterNoChange: Int

    /// An estimator with the given hyperparameters (see each property for its meaning and range).
    /// Values are checked by ``fit(_:context:)``.
    public init(
        nEstimators: Int = 100, learningRate: Double = 0.1, numLeaves: Int = 31, maxDepth: Int = -1,
        minChildWeight: Double = 1e-3, minSamplesLeaf: Int = 20, lambdaL2: Double = 0, maxBins: Int = 255,
        subsample: Double = 1, colsample: Double = 1, validationFraction: Double = 0.1, nIterNoChange: Int = 0
    ) {
        self.nEstimators = nEstimators
        self.learningRate = learningRate
        self.numLeaves = numLeaves
        self.maxDepth = maxDepth
        self.minChildWeight = minChildWeight
        self.minSamplesLeaf = minSamplesLeaf
        self.lambdaL2 = lambdaL2
        self.maxBins = maxBins
        self.subsample = subsample
        self.colsample = colsample
        self.validationFraction = validationFraction
        self.nIterNoChange = nIterNoChange
    }

    /// The hyperparameter names ``init(parameters:)`` accepts, canonical names first.
    public static let parameterNames = [
        "n_estimators", "learning_rate", "num_leaves", "max_depth", "min_child_weight", "min_samples_leaf",
        "lambda_l2", "max_bins", "subsample", "colsample", "validation_fraction", "n_iter_no_change",
    ]

    private static let aliases = [
        "iterations": "n_estimators", "num_iterations": "n_estimators", "max_leaves": "num_leaves",
        "max_leaf_nodes": "num_leaves", "min_data_in_leaf": "min_samples_leaf", "reg_lambda": "lambda_l2",
        "l2_regularization": "lambda_l2", "max_bin": "max_bins", "bagging_fraction": "subsample",
        "colsample_bytree": "colsample", "feature_fraction": "colsample", "eta": "learning_rate",
    ]

    /// An estimator from hyperparameters given as text (the CLI's `--param name=value`), by the
    /// names of ``parameters`` or their aliases; others keep their defaults.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming an unknown name (listing the valid ones) or
    ///   a value that is not a number of the right kind. Ranges are checked by ``fit(_:context:)``.
    public init(parameters: [String: String]) throws {
        self.init()
        for (given, text) in parameters.sorted(by: { $0.key < $1.key }) {
            let name = Self.aliases[given] ?? given
            func integer() throws -> Int {
                guard let value = Int(text.trimmingSpaces) else {
                    throw MLOpsError(.invalidArgument, "the gbdt parameter \(given) must be an integer", value: text)
                }
                return value
            }
            func real() throws -> Double {
                guard let value = Double(text.trimmingSpaces) else {
                    throw MLOpsError(.invalidArgument, "the gbdt parameter \(given) must be a number", value: text)
                }
                return value
            }
            switch name {
            case "n_estimators": nEstimators = try integer()
            case "learning_rate": learningRate = try real()
            case "num_leaves": numLeaves = try integer()
            case "max_depth": maxDepth = try integer()
            case "min_child_weight": minChildWeight = try real()
            case "min_samples_leaf": minSamplesLeaf = try integer()
            case "lambda_l2": lambdaL2 = try real()
            case "max_bins": maxBins = try integer()
            case "subsample": subsample = try real()
            case "colsample": colsample = try real()
            case "validation_fraction": validationFraction = try real()
            case "n_iter_no_change": nIterNoChange = try integer()
            default:
                throw MLOpsError(
                    .invalidArgument,
                    "gbdt has no parameter \(given); valid ones: \(Self.parameterNames.joined(separator: ", "))",
                    value: given)
            }
        }
    }

    /// Every hyperparameter as text, by its canonical name.
    public var parameters: [String: String] {
        [
            "n_estimators": String(nEstimators), "learning_rate": String(learningRate),
            "num_leaves": String(numLeaves), "max_depth": String(maxDepth),
            "min_child_weight": String(minChildWeight), "min_samples_leaf": String(minSamplesLeaf),
            "lambda_l2": String(lambdaL2), "max_bins": String(maxBins), "subsample": String(subsample),
            "colsample": String(colsample), "validation_fraction": String(validationFraction),
            "n_iter_no_change": String(nIterNoChange),
        ]
    }

    /// Checks every hyperparameter's range.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` naming the first parameter out of range and its value.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ range: String, _ value: String) throws {
            guard ok else {
                throw MLOpsError(.invalidArgument, "the gbdt parameter \(name) must be \(range)", value: value)
            }
        }
        try check(nEstimators >= 1, "n_estimators", "1 or more", String(nEstimators))
        try check(learningRate.isFinite && learningRate > 0, "learning_rate", "finite and > 0", String(learningRate))
        try check(numLeaves >= 2 && numLeaves <= 65_536, "num_leaves", "between 2 and 65536", String(numLeaves))
        try check(maxDepth == -1 || maxDepth >= 1, "max_depth", "-1 (no limit) or 1 or more", String(maxDepth))
        try check(
            minChildWeight.isFinite && minChildWeight >= 0, "min_child_weight", "finite and >= 0",
            String(minChildWeight))
        try check(minSamplesLeaf >= 1, "min_samples_leaf", "1 or more", String(minSamplesLeaf))
        try check(lambdaL2.isFinite && lambdaL2 >= 0, "lambda_l2", "finite and >= 0", String(lambdaL2))
        try check(maxBins >= 2 && maxBins <= 255, "max_bins", "between 2 and 255", String(maxBins))
        try check(subsample > 0 && subsample <= 1, "subsample", "in (0, 1]", String(subsample))
        try check(colsample > 0 && colsample <= 1, "colsample", "in (0, 1]", String(colsample))
        try check(nIterNoChange >= 0, "n_iter_no_change", "0 (off) or more", String(nIterNoChange))
        if nIterNoChange > 0 {
            try check(
                validationFraction > 0 && validationFraction < 1, "validation_fraction", "in (0, 1)",
                String(validationFraction))
        }
    }

    /// Fits the trees to `data`, reporting `train_loss` (and `validation_loss` with early stopping)
    /// after each round; resumes from the context's checkpoint when it has one for this job.
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for an invalid hyperparameter (naming it), a
    ///   target with a non-finite value, or too few rows for early stopping's hold-out; the
    ///   checkpoint's errors when its state cannot be read.
    public func fit(_ data: TrainingData, context: inout TrainingContext) throws -> FittedGradientBoosting {
        try validate()
        var trainer = try BoostingTrainer(estimator: self, data: data, context: &context)
        return try trainer.run(context: &context)
    }
}

extension String {
    /// The text without leading and trailing spaces.
    fileprivate var trimmingSpaces: Substring {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return slice
    }
}
