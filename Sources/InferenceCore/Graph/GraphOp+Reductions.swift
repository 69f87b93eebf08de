extension GraphOp {
    /// Attributes of ``GraphOp/reduce(_:)``: which reduction, over which axes.
    ///
    /// Reduced axes keep size 1 when ``keepDims``, else they are removed. An empty ``axes``
    /// reduces every axis, unless ``noopWithEmptyAxes``: then nothing is reduced and the output
    /// is the input with the kind's elementwise part applied (`x²` for ``Kind/sumSquare``,
    /// `|x|` for ``Kind/l1`` and ``Kind/l2``, `log x` for ``Kind/logSum``, `x` otherwise), as
    /// onnxruntime does.
    public struct Reduce: Sendable, Hashable, Codable {
        /// What a reduction computes over the elements of a reduced set.
        ///
        /// Over an empty set: `sum`, `sumSquare`, `l1`, `l2` and `mean` give 0, `prod` 1, `max`
        /// −∞ (`Int64.min`), `min` +∞ (`Int64.max`), `logSum` and `logSumExp` −∞ (as onnxruntime).
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// `Σ x` (ONNX `ReduceSum`).
            case sum
            /// `Σ x / n` (ONNX `ReduceMean`; `int64` divides truncating toward zero).
            case mean
            /// `Σ x²` (ONNX `ReduceSumSquare`).
            case sumSquare
            /// `Π x` (ONNX `ReduceProd`).
            case prod
            /// `log Σ eˣ`, computed as `m + log Σ e^(x − m)` with `m` the largest finite element
            /// (0 when there is none), so large values do not overflow (ONNX `ReduceLogSumExp`).
            case logSumExp
            /// The largest element (ONNX `ReduceMax`). A NaN wins only as the first element of the
            /// set (later NaNs lose every comparison), as onnxruntime.
            case max
            /// The smallest element (ONNX `ReduceMin`), NaN as for ``max``.
            case min
            /// `Σ |x|` (ONNX `ReduceL1`).
            case l1
            /// `√(Σ x²)` (ONNX `ReduceL2`).
            case l2
            /// `log Σ x` (ONNX `ReduceLogSum`).
            case logSum
        }

        /// The reduction.
        public var kind: Kind
        /// The reduced axes (negative counts from the end; no duplicates); empty means all.
        public var axes: [Int]
        /// Whether reduced axes stay with size 1 (ONNX default `true`).
        public var keepDims: Bool
        /// Whether empty ``axes`` reduce nothing instead of everything.
        public var noopWithEmptyAxes: Bool

        /// Creates reduce attributes; the defaults are ONNX's.
        public init(kind: Kind, axes: [Int] = [], keepDims: Bool = true, noopWithEmptyAxes: Bool = false) {
            self.kind = kind
            self.axes = axes
            self.keepDims = keepDims
            self.noopWithEmptyAxes = noopWithEmptyAxes
        }
    }

    /// Attributes of ``GraphOp/topK(_:)``.
    public struct TopK: Sendable, Hashable, Codable {
        /// How many elements to keep along ``axis`` (0 up to the axis's size).
        public var k: Int
        /// The axis searched.
        public var axis: Int
        /// Whether the largest elements are kept (otherwise the smallest).
        public var largest: Bool
        /// Whether the result is ordered (ONNX `sorted`). With `false` ONNX leaves the order
        /// unspecified; the runtime returns the sorted order either way.
        public var sorted: Bool

        /// Creates top-k attributes; the defaults are ONNX's.
        public init(k: Int, axis: Int = -1, largest: Bool = true, sorted: Bool = true) {
            self.k = k
            self.axis = axis
            self.largest = largest
            self.sorted = sorted
        }
    }

    /// Attributes of ``GraphOp/gather(_:)``.
    public struct Gather: Sendable, Hashable, Codable {
        /// Which ONNX gather.
        public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
            /// ONNX `Gather`: whole slices along the axis, output shape
            /// `data[..<axis] + indices + data[(axis+1)...]`.
            case slices
            /// ONNX `GatherElements`: one element per index, output shape = the indices' shape.
            case elements
        }

        /// Which gather.
        public var mode: Mode
        /// The axis indexed.
        public var axis: Int

        /// Creates gather attributes.
        public init(mode: Mode = .slices, axis: Int = 0) {
            self.mode = mode
            self.axis = axis
        }
    }

    /// Attributes of ``GraphOp/cumSum(_:)``.
    public struct CumSum: Sendable, Hashable, Codable {
        /// The axis summed along.
        public var axis: Int
        /// Whether each output excludes its own element (the first is 0).
        public var exclusive: Bool
        /// Whether the sums run from the end of the axis.
        public var reverse: Bool

        /// Creates cumulative-sum attributes; the defaults are ONNX's.
        public init(axis: Int, exclusive: Bool = false, reverse: Bool = false) {
            self.axis = axis
            self.exclusive = exclusive
            self.reverse = reverse
        }
    }
}
