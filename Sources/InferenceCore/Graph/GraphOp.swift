/// The operation a ``GraphNode`` performs, with its attributes.
///
/// Each case documents its inputs (by position in ``GraphNode/inputs``) and outputs. Shapes
/// follow numpy/ONNX conventions; negative axes count from the end. Arithmetic ops require
/// all operands to have the same element type (insert a ``cast(to:)`` where they differ).
public enum GraphOp: Sendable {
    /// `Y = alpha·A'·B' + beta·C`, then the fused activation, where `A'` is `Aᵀ` if `transA`.
    ///
    /// Inputs: `A` [M,K] (or [K,M]), `B` [K,N] (or [N,K]), optional `C` broadcastable to
    /// [M,N] (unidirectionally). `float32` only. A dense layer is `gemm` with
    /// `transB = true` and `B` stored [out, in] (as torch writes it).
    case gemm(Gemm)
    /// numpy `matmul`: `A` [..., M, K] × `B` [K, N] (rank-2 `B`), or rank-1 operands with the
    /// numpy promotion rules. `float32`/`float64`.
    case matMul
    /// Elementwise `A + B` with numpy (multidirectional) broadcasting. Numeric types.
    case add
    /// Elementwise `A - B` with numpy broadcasting.
    case sub
    /// Elementwise `A * B` with numpy broadcasting.
    case mul
    /// Elementwise `A / B` with numpy broadcasting (integer division truncates; ÷0 throws).
    case div
    /// A function of each element (`Exp`, `Log`, `Sqrt`, `Neg`, `Abs`, `Reciprocal`, `Sign`,
    /// `Floor`, `Ceil`, `Erf`, `Not`); the output has the input's type and shape. See
    /// ``UnaryFunction`` for the types each accepts.
    case unary(UnaryFunction)
    /// A function of two operands with numpy (multidirectional) broadcasting: `Pow`, the
    /// comparisons (`bool` output) and `And`/`Or`/`Xor`. Inputs `A`, `B`; see ``BinaryFunction``.
    case binary(BinaryFunction)
    /// `Max`, `Min`, `Sum` or `Mean` of one or more inputs of one type, all broadcast together.
    case variadic(VariadicFunction)
    /// `Where(condition, X, Y)`: `condition ? X : Y` per element, the three broadcast together.
    /// `condition` is `bool`; `X` and `Y` share any element type (strings too), the output's.
    case `where`
    /// The input's shape (dimensions `slice.range`) as a 1-D `int64` tensor; the input may have
    /// any type. The value is known when a plan is resolved, so ops such as
    /// ``constantOfShape(value:)`` can use it to size their outputs.
    case shape(ShapeSlice)
    /// A tensor of the shape given by its 1-D `int64` input, every element `value` (a one-element
    /// numeric or `bool` tensor whose type is the output's). The input's value must be known when
    /// a plan is resolved: an initialiser, or computed from initialisers and ``shape(_:)``
    /// outputs by `identity`, `reshape`, `flatten`, `concat`, `gather`, `add`/`sub`/`mul`/`div`,
    /// `max`/`min` on `int64` (see the list in `KnownValues`); otherwise shape inference throws
    /// `unsupported`.
    case constantOfShape(value: Tensor)
    /// `max(x, 0)`. Float types.
    case relu
    /// `1 / (1 + e^-x)`. Float types.
    case sigmoid
    /// `tanh(x)`. Float types.
    case tanh
    /// Copies its input to its output (any type).
    case identity
    /// Softmax along `axis` (ONNX opset ≥ 13 semantics: one axis). Float types.
    case softmax(axis: Int)
    /// Log-softmax along `axis`. Float types.
    case logSoftmax(axis: Int)
    /// Concatenates its inputs (one or more, same type and rank) along `axis`.
    case concat(axis: Int)
    /// Reshapes to `shape`; `0` copies the input's dimension at that position, one `-1` is inferred.
    /// With a second input (a 1-D `int64` tensor whose value is known when a plan is resolved, as
    /// for ``constantOfShape(value:)``), the target is that value and `shape` is ignored.
    case reshape(shape: [Int])
    /// Flattens to 2-D: [d0·…·d(axis-1), d(axis)·…·d(n-1)]. `axis` in `-rank...rank`.
    case flatten(axis: Int)
    /// Permutes the dimensions; an empty `perm` reverses them.
    case transpose(perm: [Int])
    /// Converts elements to `to` (float→int truncates toward zero; NaN/out of range → throws;
    /// numbers → string formats them; string → number parses).
    case cast(to: ElementType)
    /// Index of the largest element along an axis, as `int64`. Ties pick the first index
    /// unless `selectLastIndex`. As onnxruntime, a NaN wins only as the first element (later
    /// NaNs lose every comparison). Numeric types.
    case argMax(ArgMax)
    /// Index of the smallest element along an axis, as `int64`; ties and NaN as ``argMax(_:)``.
    case argMin(ArgMax)
    /// A reduction (sum, mean, max, log-sum-exp...) over some axes; see ``Reduce``.
    ///
    /// Input `float32`, `float64` or `int64`; output of the same type (`int64` results of
    /// `mean`, `l2`, `logSum`, `logSumExp` are computed in double precision and truncated toward
    /// zero, as onnxruntime).
    case reduce(Reduce)
    /// The `k` largest (or smallest) elements along an axis and their indices.
    ///
    /// Input `X` numeric; outputs `values` (X's type) and `indices` (`int64`), X's shape with
    /// `k` at the axis. Ties keep the lower index first; a NaN ranks above every number (so
    /// it comes first with `largest`, last otherwise; onnxruntime's NaN order is unspecified).
    case topK(TopK)
    /// ONNX `Gather` or `GatherElements` (see ``Gather``): inputs `data` (any type) and
    /// `indices` (`int64`; negative counts from the end of the axis); an index outside
    /// `-size..<size` throws when the step runs.
    case gather(Gather)
    /// Cumulative sum along an axis (ONNX `CumSum`). `float32`, `float64` or `int64`
    /// (`int64` wraps on overflow); output of the input's type and shape.
    case cumSum(CumSum)
    /// `ai.onnx.ml` Scaler: `y = (x - offset) * scale`, per last-axis feature (arrays of length
    /// 1 broadcast). Input any numeric type; output `float32`.
    case scaler(Scaler)
    /// `ai.onnx.ml` Imputer: `y = x == replaced ? values[j] : x`, per last-axis feature `j` (an
    /// array of length 1 broadcasts); a NaN ``Imputer/replacedValue`` replaces NaNs. Input and
    /// output `float32` or `float64` (``Imputer/values``, widened to `float64` for a `float64`
    /// input) or `int64` (``Imputer/int64Values``), the same type.
    case imputer(Imputer)
    /// `ai.onnx.ml` Binarizer: `y = x > threshold ? 1 : 0`, same shape and type as `x`
    /// (`float32`, `float64` or `int64`). A NaN element throws (as onnxruntime).
    case binarizer(threshold: Float)
    /// `ai.onnx.ml` Normalizer along the last axis. Input numeric; output `float32`.
    case normalizer(Normalization)
    /// ONNX `OneHot`: input `indices` (int64 or float, negative counts from `depth`), output
    /// shape inserts a `depth`-sized axis at `axis`; out-of-range indices give all-`offValue`.
    case oneHot(OneHot)
    /// `ai.onnx.ml` OneHotEncoder: input [..., C] (int64, string, or whole-number floats);
    /// output [..., C, K] `float32` with K = categories.count. An unknown category throws
    /// unless `zeros` (then its row is all zeros).
    case oneHotEncoder(OneHotEncoder)
    /// `ai.onnx.ml` ArrayFeatureExtractor: inputs `X` [..., D] and `indices` (int64, any shape,
    /// k elements); output [..., k] of X's type with `out[..., j] = X[..., indices[j]]`.
    /// A rank-1 `X` [D] gives [1, k] (as onnxruntime). Out-of-range index throws.
    case arrayFeatureExtractor
    /// `ai.onnx.ml` LinearClassifier. Input [N, F] (or [F]) numeric; outputs `label` [N]
    /// (int64 or string, from ``LinearClassifier/labels``) and `scores` [N, K] `float32`.
    case linearClassifier(LinearClassifier)
    /// `ai.onnx.ml` LinearRegressor. Input [N, F] numeric; output [N, targets] `float32`.
    case linearRegressor(LinearRegressor)
    /// A tree ensemble (XGBoost, LightGBM, ONNX TreeEnsemble*). Input [N, F] `float32` or
    /// `float64`; outputs as listed in ``TreeEnsembleNode/outputs``.
    case treeEnsemble(TreeEnsembleNode)
    /// ONNX `Scan`: runs ``Scan/body`` once per slice of the scan inputs, carrying state
    /// variables from one iteration to the next and stacking per-iteration outputs. Inputs:
    /// states, scan inputs, captured tensors; outputs: final states, stacked scan outputs (see
    /// ``Scan``).
    case scan(Scan)
    /// `ai.onnx.ml` SVMClassifier. Input [N, F] (or [F]) numeric, computed in `float32`; outputs
    /// `label` [N] (int64 or string) and `scores` [N, W] `float32` (see ``SVMClassifier``).
    case svmClassifier(SVMClassifier)
    /// `ai.onnx.ml` SVMRegressor. Input [N, F] (or [F]) numeric, computed in `float32`; output
    /// [N, 1] `float32` (see ``SVMRegressor``).
    case svmRegressor(SVMRegressor)
    /// `ai.onnx.ml` LabelEncoder: maps each element through a table; output has the input's
    /// shape (see ``LabelEncoder``).
    case labelEncoder(LabelEncoder)
}

extension GraphOp {
    /// An activation applied elementwise, standalone or fused into a ``Gemm``.
    public enum Activation: String, Sendable, Hashable, Codable, CaseIterable {
        /// No activation.
        case none
        /// `max(x, 0)`.
        case relu
        /// `1 / (1 + e^-x)`.
        case sigmoid
        /// `tanh(x)`.
        case tanh
    }

    /// Attributes of ``GraphOp/gemm(_:)``.
    public struct Gemm: Sendable, Hashable, Codable {
        /// Multiplier of `A'·B'`.
        public var alpha: Float
        /// Multiplier of `C`.
        public var beta: Float
        /// Whether `A` is stored transposed ([K, M]).
        public var transA: Bool
        /// Whether `B` is stored transposed ([N, K]).
        public var transB: Bool
        /// Activation applied to the result.
        public var activation: Activation

        /// Creates gemm attributes; the defaults are ONNX's.
        public init(
            alpha: Float = 1, beta: Float = 1, transA: Bool = false, transB: Bool = false,
            activation: Activation = .none
        ) {
            self.alpha = alpha
            self.beta = beta
            self.transA = transA
            self.transB = transB
            self.activation = activation
        }
    }

    /// Attributes of ``GraphOp/argMax(_:)``.
    public struct ArgMax: Sendable, Hashable, Codable {
        /// The axis reduced.
        public var axis: Int
        /// Whether the reduced axis stays with size 1 (ONNX default `true`).
        public var keepDims: Bool
        /// Whether ties pick the last index instead of the first.
        public var selectLastIndex: Bool

        /// Creates argmax attributes; the defaults are ONNX's.
        public init(axis: Int = 0, keepDims: Bool = true, selectLastIndex: Bool = false) {
            self.axis = axis
            self.keepDims = keepDims
            self.selectLastIndex = selectLastIndex
        }
    }

    /// Attributes of ``GraphOp/scaler(_:)``: `y = (x - offset) * scale`.
    ///
    /// Each array has length 1 (broadcast) or the size of the input's last axis.
    /// ONNX stores `scale` as the reciprocal of scikit-learn's `scale_`.
    public struct Scaler: Sendable, Hashable, Codable {
        /// Subtracted first.
        public var offset: [Float]
        /// Multiplied after subtracting.
        public var scale: [Float]

        /// Creates scaler attributes.
        public init(offset: [Float], scale: [Float]) {
            self.offset = offset
            self.scale = scale
        }
    }

    /// Attributes of ``GraphOp/imputer(_:)``: which value is missing, and what replaces it in
    /// each feature.
    ///
    /// The replacement arrays have length 1 (broadcast) or the size of the input's last axis; a
    /// float input uses ``values`` and ``replacedValue``, an `int64` input ``int64Values`` and
    /// ``replacedInt64``.
    public struct Imputer: Sendable, Hashable, Codable {
        /// The replacement, per feature (float inputs).
        public var values: [Float]
        /// The value that is replaced in a float input; NaN (the default) replaces NaNs.
        public var replacedValue: Float
        /// The replacement, per feature (`int64` inputs).
        public var int64Values: [Int64]
        /// The value that is replaced in an `int64` input.
        public var replacedInt64: Int64

        /// Creates imputer attributes; the defaults replace NaNs of a float input.
        public init(
            values: [Float], replacedValue: Float = .nan, int64Values: [Int64] = [], replacedInt64: Int64 = 0
        ) {
            self.values = values
            self.replacedValue = replacedValue
            self.int64Values = int64Values
            self.replacedInt64 = replacedInt64
        }
    }

    /// The norm used by ``GraphOp/normalizer(_:)``.
    public enum Normalization: String, Sendable, Hashable, Codable, CaseIterable {
        /// Divide by the sum of absolute values.
        case l1
        /// Divide by the Euclidean norm.
        case l2
        /// Divide by the largest element (ONNX `MAX`).
        case max
    }

    /// Attributes of ``GraphOp/oneHot(_:)`` (ONNX `OneHot` with constant depth and values).
    public struct OneHot: Sendable, Hashable, Codable {
        /// The size of the one-hot axis.
        public var depth: Int
        /// Where the new axis goes (`-1` = last).
        public var axis: Int
        /// The value everywhere else.
        public var offValue: Double
        /// The value at the hot index.
        public var onValue: Double
        /// The output element type (numeric).
        public var elementType: ElementType

        /// Creates one-hot attributes.
        public init(
            depth: Int, axis: Int = -1, offValue: Double = 0, onValue: Double = 1,
            elementType: ElementType = .float32
        ) {
            self.depth = depth
            self.axis = axis
            self.offValue = offValue
            self.onValue = onValue
            self.elementType = elementType
        }
    }

    /// Class labels: integers or strings.
    public enum ClassLabels: Sendable, Hashable, Codable {
        /// Integer labels (ONNX `classlabels_ints` / `classlabels_int64s`).
        case int64([Int64])
        /// String labels (ONNX `classlabels_strings`).
        case string([String])

        /// The number of labels.
        public var count: Int {
            switch self {
            case .int64(let v): v.count
            case .string(let v): v.count
            }
        }

        /// The element type of a tensor holding these labels.
        public var elementType: ElementType {
            switch self {
            case .int64: .int64
            case .string: .string
            }
        }
    }

    /// Attributes of ``GraphOp/oneHotEncoder(_:)``.
    public struct OneHotEncoder: Sendable, Hashable, Codable {
        /// The categories, in output order.
        public var categories: ClassLabels
        /// Whether an unknown category gives a zero row (otherwise it throws).
        public var zeros: Bool

        /// Creates one-hot-encoder attributes.
        public init(categories: ClassLabels, zeros: Bool = true) {
            self.categories = categories
            self.zeros = zeros
        }
    }

    /// A transform applied to linear or tree scores (ONNX `post_transform`).
    public enum PostTransform: String, Sendable, Hashable, Codable, CaseIterable {
        /// Raw scores.
        case none
        /// `1 / (1 + e^-s)` per score.
        case logistic
        /// Softmax over the scores of a row.
        case softmax
        /// Softmax that leaves exact-zero scores at zero (ONNX `SOFTMAX_ZERO`).
        case softmaxZero
        /// `√2 · erfinv(2s - 1)` per score (ONNX `PROBIT`).
        case probit
    }

    /// Attributes of ``GraphOp/linearClassifier(_:)``.
    ///
    /// Scores are `x·Wᵀ + intercepts` with `W` = `coefficients` as [K, F] row-major, then
    /// `postTransform`. The label is `labels[argmax scores]`. Binary special case (as
    /// onnxruntime): when K == 1 and there are 2 labels, scores become `[-s, s]` (`none`) or
    /// `[1-p, p]` (`logistic`) and the label is `labels[1]` iff `s > 0` (`p > 0.5`).
    public struct LinearClassifier: Sendable, Hashable, Codable {
        /// [K, F] row-major weights.
        public var coefficients: [Float]
        /// K intercepts (or empty for zeros).
        public var intercepts: [Float]
        /// The class labels (K of them, or 2 in the binary special case).
        public var labels: ClassLabels
        /// Applied to the scores.
        public var postTransform: PostTransform
        /// ONNX `multi_class` (kept for fidelity; the scores do not depend on it).
        public var multiClass: Int

        /// Creates linear-classifier attributes.
        public init(
            coefficients: [Float], intercepts: [Float], labels: ClassLabels,
            postTransform: PostTransform = .none, multiClass: Int = 0
        ) {
            self.coefficients = coefficients
            self.intercepts = intercepts
            self.labels = labels
            self.postTransform = postTransform
            self.multiClass = multiClass
        }
    }

    /// Attributes of ``GraphOp/linearRegressor(_:)``: `y = x·Wᵀ + intercepts`, then `postTransform`.
    public struct LinearRegressor: Sendable, Hashable, Codable {
        /// [targets, F] row-major weights.
        public var coefficients: [Float]
        /// `targets` intercepts (or empty for zeros).
        public var intercepts: [Float]
        /// The number of outputs per row.
        public var targets: Int
        /// Applied to the outputs.
        public var postTransform: PostTransform

        /// Creates linear-regressor attributes.
        public init(coefficients: [Float], intercepts: [Float], targets: Int = 1, postTransform: PostTransform = .none)
        {
            self.coefficients = coefficients
            self.intercepts = intercepts
            self.targets = targets
            self.postTransform = postTransform
        }
    }
}
