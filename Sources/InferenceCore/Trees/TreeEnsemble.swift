import MLOpsCore

/// A validated, flattened ensemble of decision trees that predicts exactly like the tool that
/// trained it — XGBoost, LightGBM or an ONNX `TreeEnsemble*` op.
///
/// Build one from ``Tree`` descriptions (the importers ``XGBoostImporter`` and
/// ``LightGBMImporter`` do this for you), then call one of the `predict` methods. The
/// description is checked once, in the initialiser: out-of-range children or features, cycles,
/// shared subtrees and oversize models throw `MLOpsError`; prediction never traps on a model
/// that was accepted.
///
/// What decides the last bit of a prediction is configurable, so every tool is reproduced:
/// - ``Precision``: XGBoost and ONNX compare and accumulate in `Float`, LightGBM in `Double`.
/// - ``Comparison`` per node: `<` (XGBoost), `<=` (LightGBM), ONNX's six `BRANCH_*` modes.
/// - ``MissingValues`` per node: default directions for NaN and LightGBM's missing types.
/// - ``BaseScoreOrder``, ``Aggregation`` and ``PostTransform``.
///
/// The raw score of output `k` is, in the ensemble's precision,
/// `base[k] + leaf_1 + leaf_2 + …` (``BaseScoreOrder/beforeTrees``) or
/// `(leaf_1 + leaf_2 + …) / divisor + base[k]` (``BaseScoreOrder/afterAggregation``),
/// with leaves added in tree order; the transformed output is ``postTransform`` applied to the
/// raw scores of the row.
///
/// Prediction allocates nothing: callers pass input rows and output buffers. An ensemble is an
/// immutable value and safe to use from many tasks at once.
public struct TreeEnsemble: Sendable {
    /// The trees as given to the initialiser (for inspection and serialisation).
    public let trees: [Tree]
    /// The number of columns of an input row.
    public let featureCount: Int
    /// The number of outputs (targets or classes) per row.
    public let outputCount: Int
    /// The comparison and accumulation precision.
    public let precision: Precision
    /// The base scores, one per output (empty means zero), in raw-score (margin) space.
    public let baseScores: [Double]
    /// When the base scores are added.
    public let baseScoreOrder: BaseScoreOrder
    /// How the trees are combined.
    public let aggregation: Aggregation
    /// The function from raw scores to transformed outputs.
    public let postTransform: PostTransform
    /// What the model predicts.
    public var task: Task
    /// The input columns' names, when the model file recorded them (else empty).
    public var featureNames: [String]
    /// The training objective as the source tool named it (e.g. `binary:logistic`,
    /// `binary sigmoid:1`), or empty.
    public var objective: String
    /// The deepest tree's depth (edges from root to deepest leaf).
    public let maxDepth: Int
    /// The number of nodes reachable from the roots.
    public let nodeCount: Int
    /// How many trees need the general (slower) evaluator because they use `==`/`!=` or a
    /// LightGBM Zero missing band that straddles a threshold. Zero for XGBoost models and for
    /// LightGBM models without `zero_as_missing`.
    public var generalTreeCount: Int {
        switch storage {
        case .float32(let compiled): compiled.generalTreeCount
        case .float64(let compiled): compiled.generalTreeCount
        }
    }

    /// The number of trees.
    public var treeCount: Int { trees.count }

    /// Input values with a magnitude at most this are read as `0` (nil: inputs are used as
    /// given). LightGBM's readers drop such values (``lightGBMZeroThreshold``), which moves a
    /// value like `-1e-35` across a split at `-1.0000000180025095e-35`.
    public let inputZeroBand: Double?

    /// LightGBM's `kZeroThreshold`, `1e-35f` widened to `Double` (`1.0000000180025095e-35`):
    /// the bound of its "zero" band for ``MissingValues/zeroOrNaNTakesTrueBranch`` and of the
    /// inputs it reads as zero.
    public static let lightGBMZeroThreshold = Double(Float(1e-35))

    enum Storage: Sendable {
        case float32(CompiledTrees<Float>)
        case float64(CompiledTrees<Double>)
    }

    let storage: Storage

    /// Validates and compiles an ensemble.
    ///
    /// - Parameters:
    ///   - trees: The trees, in the order their leaf values are accumulated.
    ///   - featureCount: The number of columns of an input row; every branch's feature must be
    ///     below it.
    ///   - outputCount: The number of outputs (1 for regression and binary classification,
    ///     the class count for multiclass).
    ///   - precision: `Float` (XGBoost, ONNX) or `Double` (LightGBM) comparisons and sums.
    ///   - baseScores: One raw-score offset per output, or empty for none.
    ///   - baseScoreOrder: Whether the base scores start the sum or are added after it.
    ///   - aggregation: Sum, or average with an explicit divisor.
    ///   - postTransform: The link from raw scores to outputs.
    ///   - task: What the outputs mean; defaults from `postTransform` and `outputCount`.
    ///   - featureNames: Optional column names (`featureCount` of them, or empty).
    ///   - objective: The source tool's objective name, for display.
    ///   - inputZeroBand: Read inputs with `|x| <= inputZeroBand` as `0` (LightGBM:
    ///     ``lightGBMZeroThreshold``); nil uses inputs as given.
    ///   - limits: Size bounds.
    /// - Throws: `MLOpsError` `invalidArgument` for an inconsistent description (child or
    ///   feature index out of range, a feature name given twice, cycles, shared subtrees, wrong base-score count,
    ///   `beforeTrees` with averaging, a non-positive divisor) and `limitExceeded` when a bound
    ///   in `limits` is exceeded.
    public init(
        trees: [Tree],
        featureCount: Int,
        outputCount: Int = 1,
        precision: Precision,
        baseScores: [Double] = [],
        baseScoreOrder: BaseScoreOrder = .afterAggregation,
        aggregation: Aggregation = .sum,
        postTransform: PostTransform = .none,
        task: Task? = nil,
        featureNames: [String] = [],
        objective: String = "",
        inputZeroBand: Double? = nil,
        limits: Limits = .default
    ) throws {
        guard featureCount >= 0, featureCount <= limits.maxFeatures, featureCount < 1 << 26 else {
            throw MLOpsError(
                featureCount < 0 ? .invalidArgument : .limitExceeded,
                "featureCount must be between 0 and Limits.maxFeatures (\(limits.maxFeatures)).",
                value: String(featureCount)
            )
        }
        guard outputCount >= 1, outputCount <= limits.maxOutputs else {
            throw MLOpsError(
                outputCount < 1 ? .invalidArgument : .limitExceeded,
                "outputCount must be between 1 and Limits.maxOutputs (\(limits.maxOutputs)).",
                value: String(outputCount)
            )
        }
        guard trees.count <= limits.maxTrees else {
            throw MLOpsError(
                .limitExceeded,
                "The ensemble has more trees than Limits.maxTrees (\(limits.maxTrees)).",
                value: String(trees.count)
            )
        }
        guard baseScores.isEmpty || baseScores.count == outputCount else {
            throw MLOpsError(
                .invalidArgument,
                "baseScores needs one value per output (\(outputCount)) or none.",
                value: String(baseScores.count)
            )
        }
        guard featureNames.isEmpty || featureNames.count == featureCount else {
            throw MLOpsError(
                .invalidArgument,
                "featureNames needs one name per feature (\(featureCount)) or none.",
                value: String(featureNames.count)
            )
        }
        try FeatureNames.checkUnique(featureNames, "featureNames")
        var divisor: Int?
        if case .average(let value) = aggregation {
            guard value >= 1 else {
                throw MLOpsError(
                    .invalidArgument,
                    "An average needs a divisor of at least 1 (the tree or iteration count).",
                    value: String(value)
                )
            }
            guard baseScoreOrder == .afterAggregation else {
                throw MLOpsError(
                    .invalidArgument,
                    "Base scores can only start the sum when the trees are summed; use "
                        + ".afterAggregation with .average."
                )
            }
            divisor = value
        }
        if let inputZeroBand, !(inputZeroBand >= 0 && inputZeroBand.isFinite) {
            throw MLOpsError(
                .invalidArgument, "inputZeroBand must be finite and not negative.", value: String(inputZeroBand))
        }
        if case .scaledLogistic(let scale) = postTransform, !scale.isFinite {
            throw MLOpsError(.invalidArgument, "The logistic scale must be finite.", value: String(scale))
        }

        switch precision {
        case .float32:
            storage = .float32(
                try TreeEnsembleCompiler.compile(
                    trees,
                    featureCount: featureCount,
                    outputCount: outputCount,
                    baseScores: baseScores,
                    baseFirst: baseScoreOrder == .beforeTrees,
                    divisor: divisor,
                    transform: postTransform,
                    inputZeroBand: inputZeroBand,
                    limits: limits,
                    as: Float.self
                )
            )
        case .float64:
            storage = .float64(
                try TreeEnsembleCompiler.compile(
                    trees,
                    featureCount: featureCount,
                    outputCount: outputCount,
                    baseScores: baseScores,
                    baseFirst: baseScoreOrder == .beforeTrees,
                    divisor: divisor,
                    transform: postTransform,
                    inputZeroBand: inputZeroBand,
                    limits: limits,
                    as: Double.self
                )
            )
        }
        self.trees = trees
        self.featureCount = featureCount
        self.outputCount = outputCount
        self.precision = precision
        self.baseScores = baseScores
        self.baseScoreOrder = baseScoreOrder
        self.aggregation = aggregation
        self.postTransform = postTransform
        self.featureNames = featureNames
        self.objective = objective
        self.inputZeroBand = inputZeroBand
        switch storage {
        case .float32(let compiled):
            maxDepth = compiled.trees.reduce(0) { max($0, Int($1.depth)) }
            nodeCount = compiled.reachableNodeCount
        case .float64(let compiled):
            maxDepth = compiled.trees.reduce(0) { max($0, Int($1.depth)) }
            nodeCount = compiled.reachableNodeCount
        }
        if let task {
            self.task = task
        } else {
            switch postTransform {
            case .logistic, .scaledLogistic:
                self.task = outputCount == 1 ? .binaryClassification : .multiclassClassification
            case .softmax, .softmaxZero:
                self.task = .multiclassClassification
            case .none, .exponential:
                self.task = .regression
            }
        }
    }
}
