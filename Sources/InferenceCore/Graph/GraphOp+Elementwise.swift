extension GraphOp {
    /// The function ``GraphOp/unary(_:)`` applies to each element.
    ///
    /// Element types: `float32`/`float64` for every function but ``not``; ``neg``, ``abs`` and
    /// ``sign`` also take `int64` (wrapping: `neg` and `abs` of `Int64.min` give `Int64.min`, as
    /// onnxruntime); ``not`` takes and gives `bool`. NaN propagates (`sign(NaN)` is NaN).
    public enum UnaryFunction: String, Sendable, Hashable, Codable, CaseIterable {
        /// `e^x`.
        case exp
        /// Natural logarithm (`log(0) = -inf`, negative → NaN).
        case log
        /// Square root (negative → NaN).
        case sqrt
        /// `-x`.
        case neg
        /// `|x|`.
        case abs
        /// `1 / x`.
        case reciprocal
        /// `-1`, `0` or `1` (NaN stays NaN).
        case sign
        /// Rounds toward negative infinity.
        case floor
        /// Rounds toward positive infinity.
        case ceil
        /// The error function.
        case erf
        /// Logical negation of a `bool` tensor.
        case not

        /// Whether the function accepts `int64` elements.
        var acceptsInt64: Bool { self == .neg || self == .abs || self == .sign }
    }

    /// The function ``GraphOp/binary(_:)`` applies to each pair of broadcast elements.
    public enum BinaryFunction: String, Sendable, Hashable, Codable, CaseIterable {
        /// `base ^ exponent` (ONNX `Pow`): the base is `float32`, `float64` or `int64` and gives the
        /// output type; the exponent may be any of those. Float powers follow C `pow`
        /// (`pow(x, 0) = 1`, `pow(1, y) = 1` even for NaN); an integer base with an integer exponent
        /// multiplies exactly (wrapping on overflow, a negative exponent truncates `1/b^-e` toward
        /// zero); an integer base with a float exponent truncates the float power toward zero,
        /// saturating at the `int64` range (NaN gives 0).
        case pow
        /// `a < b` → `bool`. Numeric operands of one type; NaN compares false.
        case less
        /// `a <= b` → `bool`.
        case lessOrEqual
        /// `a > b` → `bool`.
        case greater
        /// `a >= b` → `bool`.
        case greaterOrEqual
        /// `a == b` → `bool`. Numeric, `bool` or `string` operands of one type.
        case equal
        /// Logical and of `bool` operands.
        case and
        /// Logical or of `bool` operands.
        case or
        /// Logical exclusive or of `bool` operands.
        case xor

        /// Whether the function compares or combines and gives `bool`.
        var isPredicate: Bool { self != .pow }
    }

    /// The function ``GraphOp/variadic(_:)`` folds over its inputs.
    public enum VariadicFunction: String, Sendable, Hashable, Codable, CaseIterable {
        /// Elementwise maximum; a NaN in any input gives NaN (as onnxruntime). Numeric types.
        case max
        /// Elementwise minimum; a NaN in any input gives NaN. Numeric types.
        case min
        /// Elementwise sum, added left to right. `float32`/`float64`.
        case sum
        /// Elementwise mean: the sum left to right times the reciprocal of the input count (as
        /// onnxruntime). `float32`/`float64`.
        case mean
    }

    /// Attributes of ``GraphOp/shape(_:)``: which dimensions of the input's shape are returned.
    ///
    /// As ONNX `Shape` (opset 15): `start` and `end` count from the end when negative, are
    /// clamped to `0...rank`, and an empty range gives an empty tensor.
    public struct ShapeSlice: Sendable, Hashable, Codable {
        /// The first dimension returned.
        public var start: Int
        /// One past the last dimension returned; `nil` for the rank.
        public var end: Int?

        /// Creates a shape slice; the defaults return the whole shape.
        public init(start: Int = 0, end: Int? = nil) {
            self.start = start
            self.end = end
        }

        /// The dimensions `start..<end` of a shape of rank `rank`, clamped as ONNX does.
        func range(rank: Int) -> Range<Int> {
            func clamp(_ v: Int) -> Int { Swift.min(Swift.max(v < 0 ? v &+ rank : v, 0), rank) }
            let lower = clamp(start)
            let upper = clamp(end ?? rank)
            return lower..<Swift.max(lower, upper)
        }
    }
}
