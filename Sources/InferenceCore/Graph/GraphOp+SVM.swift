extension GraphOp {
    /// The kernel of a support vector machine (ONNX `kernel_type` and `kernel_params`).
    ///
    /// With `x` a row and `s` a support vector: `linear` is `x·s`, `poly` is
    /// `(gamma·x·s + coef0)^degree`, `rbf` is `exp(-gamma·|x - s|²)` and `sigmoid` is
    /// `tanh(gamma·x·s + coef0)`. Values are computed in `float32`, as onnxruntime does.
    public struct SVMKernel: Sendable, Hashable, Codable {
        /// The kernel function.
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// `x·s` (`gamma` and `coef0` are ignored).
            case linear
            /// `(gamma·x·s + coef0)^degree`.
            case poly
            /// `exp(-gamma·|x - s|²)`.
            case rbf
            /// `tanh(gamma·x·s + coef0)`.
            case sigmoid
        }

        /// The kernel function.
        public var kind: Kind
        /// The scale of the dot product (`poly`, `sigmoid`) or of the squared distance (`rbf`).
        public var gamma: Float
        /// The constant added to the scaled dot product (`poly`, `sigmoid`).
        public var coef0: Float
        /// The power of `poly` (a float, as ONNX stores it; 2 and 3 are squared and cubed exactly).
        public var degree: Float

        /// Creates kernel attributes; ONNX's defaults are a linear kernel with zero parameters.
        public init(kind: Kind = .linear, gamma: Float = 0, coef0: Float = 0, degree: Float = 0) {
            self.kind = kind
            self.gamma = gamma
            self.coef0 = coef0
            self.degree = degree
        }
    }

    /// Attributes of ``GraphOp/svmClassifier(_:)`` (`ai.onnx.ml` SVMClassifier, libsvm layout).
    ///
    /// With K labels and V = the sum of ``vectorsPerClass`` support vectors:
    /// - **SVC mode** (V > 0): ``supportVectors`` is [V, F] row-major, the vectors of class 0
    ///   first; ``coefficients`` is [K - 1, V] (libsvm's `sv_coef`); ``rho`` has one value per
    ///   class pair (0,1), (0,2), …, (1,2), …; each pair's decision value is
    ///   `Σ coef·kernel + rho`, and a positive value votes for the first class of the pair. The
    ///   label is the class with the most votes (the first on ties). With ``probA`` and ``probB``
    ///   (one per pair), the scores are the Platt-scaled pairwise probabilities coupled into K class
    ///   probabilities (libsvm's `multiclass_probability`); without them the scores are the pair
    ///   decision values ([N, K(K-1)/2]), or for two classes [N, 2] as onnxruntime 1.31 lays the
    ///   one decision value `d` out: `[-d, d]` (no transform), `[1 - p, p]` with `p` = logistic(d)
    ///   (LOGISTIC), `[probit(d), d]` (PROBIT), `[1 - d, d]` (SOFTMAX, SOFTMAX_ZERO).
    /// - **Linear mode** (V = 0): ``coefficients`` is [K, F] and the scores are
    ///   `x·coefficientsᵀ + rho[0]`; the label is the best score's, except for two labels, where
    ///   it follows onnxruntime's rule (label 1 when the best score is > 0 with mixed-sign
    ///   weights, or ≥ 0.5 with non-negative weights).
    ///
    /// ``postTransform`` then applies to the scores as onnxruntime applies it.
    public struct SVMClassifier: Sendable, Hashable, Codable {
        /// The kernel (forced to linear in linear mode).
        public var kernel: SVMKernel
        /// Support vectors per class (K values), or empty / all zero for linear mode.
        public var vectorsPerClass: [Int]
        /// [V, F] row-major support vectors.
        public var supportVectors: [Float]
        /// [K - 1, V] dual coefficients (SVC mode) or [K, F] weights (linear mode).
        public var coefficients: [Float]
        /// One intercept per class pair (SVC mode) or one shared intercept (linear mode).
        public var rho: [Float]
        /// Platt scaling slopes, one per class pair, or empty.
        public var probA: [Float]
        /// Platt scaling offsets, one per class pair, or empty.
        public var probB: [Float]
        /// The K class labels.
        public var labels: ClassLabels
        /// Applied to the scores.
        public var postTransform: PostTransform

        /// Creates SVM classifier attributes.
        public init(
            kernel: SVMKernel, vectorsPerClass: [Int], supportVectors: [Float], coefficients: [Float],
            rho: [Float], probA: [Float] = [], probB: [Float] = [], labels: ClassLabels,
            postTransform: PostTransform = .none
        ) {
            self.kernel = kernel
            self.vectorsPerClass = vectorsPerClass
            self.supportVectors = supportVectors
            self.coefficients = coefficients
            self.rho = rho
            self.probA = probA
            self.probB = probB
            self.labels = labels
            self.postTransform = postTransform
        }

        /// The total number of support vectors (0 in linear mode; saturates instead of overflowing).
        var vectorCount: Int {
            vectorsPerClass.reduce(0) { sum, n in
                let (s, overflow) = sum.addingReportingOverflow(max(0, n))
                return overflow ? Int.max : s
            }
        }

        /// The number of class pairs, K(K-1)/2.
        var pairCount: Int { labels.count < 2 ? 0 : labels.count * (labels.count - 1) / 2 }

        /// Whether the scores are Platt-scaled probabilities.
        var hasProbabilities: Bool { !probA.isEmpty }

        /// The number of score columns.
        var scoreWidth: Int {
            guard vectorCount > 0, !hasProbabilities else { return labels.count }
            return labels.count > 2 ? pairCount : 2
        }
    }

    /// Attributes of ``GraphOp/svmRegressor(_:)`` (`ai.onnx.ml` SVMRegressor).
    ///
    /// With ``supportCount`` V > 0, ``supportVectors`` is [V, F] and the output is
    /// `Σ coefficients[v]·kernel(x, sv[v]) + rho[0]`; with V = 0, ``coefficients`` is [F] and the
    /// output is `x·coefficients + rho[0]`. A ``oneClass`` model outputs `1` for a positive
    /// value and `-1` otherwise (as onnxruntime). The output is [N, 1] `float32`;
    /// ``postTransform`` is kept for fidelity and, as in onnxruntime, not applied.
    public struct SVMRegressor: Sendable, Hashable, Codable {
        /// The kernel (forced to linear when there are no support vectors).
        public var kernel: SVMKernel
        /// The number of support vectors V.
        public var supportCount: Int
        /// [V, F] row-major support vectors.
        public var supportVectors: [Float]
        /// V dual coefficients (or F weights when V = 0).
        public var coefficients: [Float]
        /// The intercept (the first value is used).
        public var rho: [Float]
        /// Whether the output is the sign (±1) of the decision value.
        public var oneClass: Bool
        /// ONNX `post_transform` (not applied, as in onnxruntime).
        public var postTransform: PostTransform

        /// Creates SVM regressor attributes.
        public init(
            kernel: SVMKernel, supportCount: Int, supportVectors: [Float], coefficients: [Float], rho: [Float],
            oneClass: Bool = false, postTransform: PostTransform = .none
        ) {
            self.kernel = kernel
            self.supportCount = supportCount
            self.supportVectors = supportVectors
            self.coefficients = coefficients
            self.rho = rho
            self.oneClass = oneClass
            self.postTransform = postTransform
        }
    }
}
