extension TreeEnsemble {
    /// The floating-point type thresholds are compared in, leaf values are stored in and scores
    /// are accumulated in.
    ///
    /// Inputs are converted to this type before every comparison: `Double` rows given to a
    /// ``float32`` ensemble are rounded to `Float` first (XGBoost and ONNX Runtime do the same),
    /// and `Float` rows given to a ``float64`` ensemble are widened exactly.
    public enum Precision: String, Sendable, Hashable, CaseIterable {
        /// Float comparisons and a Float accumulator: XGBoost, ONNX (float tensors).
        case float32
        /// Double comparisons and a Double accumulator: LightGBM, ONNX `*_as_tensor` doubles.
        case float64
    }

    /// How the trees' leaf values are combined into each output's raw score.
    public enum Aggregation: Sendable, Hashable {
        /// Add the leaf values, in tree order (gradient boosting).
        case sum
        /// Add the leaf values in tree order, then divide by `divisor` (random forests): the tree
        /// count for ONNX `AVERAGE`, the iteration count for LightGBM `average_output`.
        case average(divisor: Int)
    }

    /// When the base scores are added to the accumulated leaf values.
    ///
    /// Floating-point addition is not associative, so the order decides the last bit: XGBoost
    /// starts its accumulator at the base margin, ONNX Runtime adds `base_values` after the
    /// aggregation.
    public enum BaseScoreOrder: String, Sendable, Hashable, CaseIterable {
        /// The accumulator starts at the base score (XGBoost). Needs ``Aggregation/sum``.
        case beforeTrees
        /// The base score is added after aggregating the trees (ONNX).
        case afterAggregation
    }

    /// The function applied to the raw scores to get the transformed output.
    public enum PostTransform: Sendable, Hashable {
        /// The output is the raw score.
        case none
        /// `1 / (1 + exp(-x))` on each output.
        case logistic
        /// `1 / (1 + exp(-scale * x))` on each output (LightGBM's `sigmoid:` parameter).
        case scaledLogistic(Double)
        /// Softmax over the outputs of a row.
        case softmax
        /// Softmax over a row's non-zero outputs; zeros stay zero (ONNX `SOFTMAX_ZERO`).
        case softmaxZero
        /// `exp(x)` on each output (Poisson, gamma and Tweedie objectives).
        case exponential
    }

    /// What the model predicts, for callers that name or interpret the outputs (the CLI writes
    /// `probability`/`margin`, `prediction` or `probability_k` columns from it).
    public enum Task: String, Sendable, Hashable, CaseIterable {
        /// One or more real-valued outputs (also ranking scores and raw-margin classifiers).
        case regression
        /// One output whose transformed value is the positive class's probability.
        case binaryClassification
        /// One output per class; the transformed values are class probabilities.
        case multiclassClassification
    }

    /// Bounds checked when an ensemble is built or imported, so hostile or corrupt models fail
    /// with `limitExceeded` instead of exhausting memory.
    public struct Limits: Sendable, Hashable {
        /// The most trees an ensemble may have.
        public var maxTrees: Int
        /// The most nodes one tree may have.
        public var maxNodesPerTree: Int
        /// The most nodes all trees together may have.
        public var maxTotalNodes: Int
        /// The deepest a tree may be (edges from the root to its deepest leaf).
        public var maxDepth: Int
        /// The most input features.
        public var maxFeatures: Int
        /// The most outputs (targets or classes).
        public var maxOutputs: Int
        /// The largest model file an importer reads, in bytes; the default is 1 GiB (2^30).
        ///
        /// A file over it is refused before it is read (by ``Model`` and the importers' `load`).
        public var maxInputBytes: Int

        /// Creates limits; the defaults accept any realistic model.
        public init(
            maxTrees: Int = 1_000_000,
            maxNodesPerTree: Int = 1 << 24,
            maxTotalNodes: Int = 1 << 30,
            maxDepth: Int = 4096,
            maxFeatures: Int = 1 << 24,
            maxOutputs: Int = 1 << 16,
            maxInputBytes: Int = 1 << 30
        ) {
            self.maxTrees = maxTrees
            self.maxNodesPerTree = maxNodesPerTree
            self.maxTotalNodes = maxTotalNodes
            self.maxDepth = maxDepth
            self.maxFeatures = maxFeatures
            self.maxOutputs = maxOutputs
            self.maxInputBytes = maxInputBytes
        }

        /// The default limits.
        public static let `default` = Limits()
    }
}
