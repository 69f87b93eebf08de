extension GraphOp {
    /// Attributes of ``GraphOp/treeEnsemble(_:)``: an ensemble and which of its results the
    /// node's outputs carry.
    ///
    /// Input `X` is [N, F] (or [F] for one row), `float32` or `float64`, with F =
    /// ``TreeEnsemble/featureCount``; NaN marks a missing value. With K =
    /// ``TreeEnsemble/outputCount``, each requested output is:
    /// - ``Output/margin``: the raw scores, [N, K];
    /// - ``Output/scores``: the post-transformed scores (probabilities or predictions), [N, K] —
    ///   except for a binary classifier with two ``labels`` (K == 1), where it is [N, 2]
    ///   `[1 - p, p]` with `p` the transformed score;
    /// - ``Output/label``: [N] labels from ``labels`` — for the binary case `labels[1]` when
    ///   `p > 0.5` (NaN gives `labels[0]`), otherwise the label of the largest raw score (first
    ///   on ties).
    public struct TreeEnsembleNode: Sendable {
        /// What one node output carries.
        public enum Output: String, Sendable, Hashable, Codable, CaseIterable {
            /// Class labels (needs ``TreeEnsembleNode/labels``).
            case label
            /// Post-transformed scores.
            case scores
            /// Raw scores (margins).
            case margin
        }

        /// The ensemble, compiled by ``TreeEnsemble``.
        public var ensemble: TreeEnsemble
        /// One entry per node output, in order.
        public var outputs: [Output]
        /// Class labels: K of them, or 2 for a binary classifier with K == 1.
        public var labels: ClassLabels?
        /// The element type of `scores` and `margin` (`float32` or `float64`; ONNX uses
        /// `float32`, LightGBM-exact pipelines `float64`).
        public var scoreType: ElementType

        /// Creates tree-ensemble attributes.
        public init(
            ensemble: TreeEnsemble, outputs: [Output], labels: ClassLabels? = nil, scoreType: ElementType = .float32
        ) {
            self.ensemble = ensemble
            self.outputs = outputs
            self.labels = labels
            self.scoreType = scoreType
        }

        /// Whether this is the binary-with-two-labels layout (scores get two columns).
        var isBinaryWithLabels: Bool { ensemble.outputCount == 1 && labels?.count == 2 }
    }
}
