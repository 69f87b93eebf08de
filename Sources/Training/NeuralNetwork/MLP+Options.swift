extension MLP {
    /// The activation of the hidden layers (scikit-learn's `activation`).
    public enum Activation: String, Sendable, Hashable, Codable, CaseIterable {
        /// `f(x) = x`.
        case identity
        /// The logistic sigmoid `f(x) = 1 / (1 + e^-x)` (`sigmoid` is accepted as a synonym).
        case logistic
        /// `f(x) = tanh(x)`.
        case tanh
        /// `f(x) = max(x, 0)`.
        case relu
    }

    /// The optimiser (scikit-learn's `solver`; L-BFGS is not offered).
    public enum Solver: String, Sendable, Hashable, Codable, CaseIterable {
        /// Adam (Kingma & Ba) with ``MLP/beta1``, ``MLP/beta2``, ``MLP/epsilon``.
        case adam
        /// Stochastic gradient descent with ``MLP/momentum`` (Nesterov's with
        /// ``MLP/nesterovsMomentum``) and the ``MLP/learningRate`` schedule.
        case sgd
    }

    /// The step-size schedule of the SGD solver (scikit-learn's `learning_rate`; Adam ignores it).
    public enum LearningRate: String, Sendable, Hashable, Codable, CaseIterable {
        /// ``MLP/learningRateInit`` throughout.
        case constant
        /// `learningRateInit / (t + 1)^powerT` after each epoch, `t` the rows seen so far.
        case invscaling
        /// ``MLP/learningRateInit`` until the stopping rule fires, then divided by 5 (and the count of
        /// epochs without improvement reset) until it falls to 1e-6 or below.
        case adaptive
    }
}
