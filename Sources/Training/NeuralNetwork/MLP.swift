import MLOpsCore

/// A multi-layer perceptron (dense feed-forward network) trained by mini-batch stochastic gradient
/// descent, as scikit-learn's `MLPClassifier` and `MLPRegressor`.
///
/// One estimator serves every task; the target decides (``TrainingData/task``):
/// - **multiclass**: a softmax output of one unit per class, log loss;
/// - **binary**: one logistic output unit (the probability of class 1), binary log loss;
/// - **regression**: one identity output unit, squared loss halved (`½·mean((y − ŷ)²)`).
///
/// The hidden layers use ``activation``. The loss minimised over each mini-batch of `n` rows is the
/// mean loss plus `alpha / (2n) · ‖W‖²` (the weights of every layer, not the biases), exactly
/// scikit-learn's formula; its gradient is `(Aᵀ·δ + alpha·W) / n`.
///
/// **Training** follows scikit-learn's `_fit_stochastic`: weights start Glorot-uniform in
/// `±sqrt(6 / (fanIn + fanOut))` (`±sqrt(2 / (fanIn + fanOut))` for the logistic activation), biases
/// likewise; each epoch shuffles the rows (with ``shuffle``) and runs the batches in order, the last
/// one possibly shorter; the epoch's training loss is the row-weighted mean of the batch losses.
/// Training stops after ``maxIter`` epochs, or when the training loss has not gone down by more than
/// ``tol`` for more than ``nIterNoChange`` epochs in a row; with ``earlyStopping``, a stratified
/// ``validationFraction`` of the rows is held out and the validation score (accuracy, or R² for
/// regression) must go up by ``tol`` instead, and the weights of the best-scoring epoch are kept.
///
/// **Precision.** The forward and backward passes run in single precision on InferenceCore's
/// dispatched SGEMM kernels (biases and ReLU fused into the forward product); losses are summed in
/// double precision. The fitted model keeps the `Float` weights; ``FittedMLP/predict(_:)`` evaluates
/// them in double precision and the exported graph in single precision.
///
/// **Randomness** (initial weights, the validation split, each epoch's shuffle) comes from the
/// context's generator; the products run on the context's threads with a fixed partition, so the
/// same seed gives byte-identical weights on any number of threads. Each epoch is reported to the
/// context (`train_loss`; with early stopping also `validation_loss` and `validation_accuracy`, or
/// `validation_r2` for regression) and may be checkpointed.
///
/// Defaults are scikit-learn's, except ``hiddenLayerSizes``: `[64]` (the `mlops train` recipe;
/// scikit-learn's default is `[100]`). `mlops train` also passes `max_iter=500`.
public struct MLP: Estimator, Hashable {
    /// `"mlp"`.
    public static let name = "mlp"

    /// `hidden_layer_sizes`: the number of units of each hidden layer, input side first. Default
    /// `[64]`; each at least 1; may be empty (a linear or logistic model).
    public var hiddenLayerSizes: [Int]
    /// `activation`: the hidden layers' activation. Default ``Activation/relu``.
    public var activation: Activation
    /// `solver`: the optimiser. Default ``Solver/adam``.
    public var solver: Solver
    /// `alpha`: the L2 penalty on the weights (see ``MLP``). Default `1e-4`; at least 0.
    public var alpha: Double
    /// `batch_size`: the rows per mini-batch; `nil` (`auto`) means `min(200, rows)`. Larger values
    /// are clipped to the number of rows. Default `nil`; at least 1.
    public var batchSize: Int?
    /// `learning_rate`: the step-size schedule of the SGD solver. Default ``LearningRate/constant``.
    public var learningRate: LearningRate
    /// `learning_rate_init`: the initial step size. Default `0.001`; greater than 0.
    public var learningRateInit: Double
    /// `power_t`: the exponent of the ``LearningRate/invscaling`` schedule. Default `0.5`; at least 0.
    public var powerT: Double
    /// `max_iter`: the most epochs. Default `200`; at least 1.
    public var maxIter: Int
    /// `shuffle`: whether the rows are shuffled before each epoch. Default `true`.
    public var shuffle: Bool
    /// `tol`: the least improvement of the loss (or validation score) that counts. Default `1e-4`;
    /// at least 0.
    public var tol: Double
    /// `momentum`: the SGD solver's momentum. Default `0.9`; in `[0, 1]`.
    public var momentum: Double
    /// `nesterovs_momentum`: whether SGD uses Nesterov's momentum. Default `true`.
    public var nesterovsMomentum: Bool
    /// `early_stopping`: hold out ``validationFraction`` of the rows and stop when the validation
    /// score stops improving, keeping the best epoch's weights. Default `false`.
    public var earlyStopping: Bool
    /// `validation_fraction`: the share of rows held out with ``earlyStopping``. Default `0.1`; in
    /// `(0, 1)`; the held-out part must have at least two rows.
    public var validationFraction: Double
    /// `beta_1`: Adam's decay of the first-moment estimate. Default `0.9`; in `[0, 1)`.
    public var beta1: Double
    /// `beta_2`: Adam's decay of the second-moment estimate. Default `0.999`; in `[0, 1)`.
    public var beta2: Double
    /// `epsilon`: Adam's denominator offset. Default `1e-8`; greater than 0.
    public var epsilon: Double
    /// `n_iter_no_change`: how many epochs in a row may fail to improve by ``tol`` before training
    /// stops (it stops on the next one). Default `10`; at least 1.
    public var nIterNoChange: Int

    /// An MLP with the given hyperparameters (see each property for its meaning and range).
    public init(
        hiddenLayerSizes: [Int] = [64], activation: Activation = .relu, solver: Solver = .adam, alpha: Double = 1e-4,
        batchSize: Int? = nil, learningRate: LearningRate = .constant, learningRateInit: Double = 0.001,
        powerT: Double = 0.5, maxIter: Int = 200, shuffle: Bool = true, tol: Double = 1e-4, momentum: Double = 0.9,
        nesterovsMomentum: Bool = true, earlyStopping: Bool = false, validationFraction: Double = 0.1,
        beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, nIterNoChange: Int = 10
    ) {
        self.hiddenLayerSizes = hiddenLayerSizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.learningRateInit = learningRateInit
        self.powerT = powerT
        self.maxIter = maxIter
        self.shuffle = shuffle
        self.tol = tol
        self.momentum = momentum
        self.nesterovsMomentum = nesterovsMomentum
        self.earlyStopping = earlyStopping
        self.validationFraction = validationFraction
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.nIterNoChange = nIterNoChange
    }

    /// Fits the network to `data` (see ``MLP`` for the task, loss and stopping rules).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` for an invalid hyperparameter (naming it and its
    ///   value), a NaN or infinite feature (naming the column and the 1-based row), a network too large
    ///   to allocate, or a validation split of fewer than two rows; `corruptData` for a resume
    ///   checkpoint whose state is not this network's.
    public func fit(_ data: TrainingData, context: inout TrainingContext) throws -> FittedMLP {
        try validate()
        defer { context.finish() }
        let trainer = try MLPTrainer(estimator: self, data: data, context: &context)
        return try trainer.run(context: &context)
    }

    /// Throws `invalidArgument` naming the first hyperparameter outside its range.
    public func validate() throws {
        func bad(_ name: String, _ value: String, _ rule: String) -> MLOpsError {
            MLOpsError(.invalidArgument, "the MLP hyperparameter \(name) must be \(rule); got \(value)", value: value)
        }
        if let size = hiddenLayerSizes.first(where: { $0 < 1 || $0 > Self.maxLayerUnits }) {
            throw bad("hidden_layer_sizes", String(size), "a list of layer sizes in 1...\(Self.maxLayerUnits)")
        }
        guard alpha >= 0, alpha.isFinite else { throw bad("alpha", "\(alpha)", "a finite number ≥ 0") }
        if let batchSize, batchSize < 1 { throw bad("batch_size", String(batchSize), "auto or an integer ≥ 1") }
        guard learningRateInit > 0, learningRateInit.isFinite else {
            throw bad("learning_rate_init", "\(learningRateInit)", "a finite number > 0")
        }
        guard powerT >= 0, powerT.isFinite else { throw bad("power_t", "\(powerT)", "a finite number ≥ 0") }
        guard maxIter >= 1 else { throw bad("max_iter", String(maxIter), "an integer ≥ 1") }
        guard tol >= 0, tol.isFinite else { throw bad("tol", "\(tol)", "a finite number ≥ 0") }
        guard momentum >= 0, momentum <= 1 else { throw bad("momentum", "\(momentum)", "in [0, 1]") }
        guard validationFraction > 0, validationFraction < 1 else {
            throw bad("validation_fraction", "\(validationFraction)", "strictly between 0 and 1")
        }
        guard beta1 >= 0, beta1 < 1 else { throw bad("beta_1", "\(beta1)", "in [0, 1)") }
        guard beta2 >= 0, beta2 < 1 else { throw bad("beta_2", "\(beta2)", "in [0, 1)") }
        guard epsilon > 0, epsilon.isFinite else { throw bad("epsilon", "\(epsilon)", "a finite number > 0") }
        guard nIterNoChange >= 1 else { throw bad("n_iter_no_change", String(nIterNoChange), "an integer ≥ 1") }
    }

    /// The most units a layer may have.
    public static let maxLayerUnits = 1 << 20
}
