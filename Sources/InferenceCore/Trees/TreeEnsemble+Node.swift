extension TreeEnsemble {
    /// How a branch compares the row's feature value `x` with the node's threshold `t`.
    ///
    /// A true comparison sends the row to the branch's ``Branch/trueChild``. The names follow
    /// ONNX's `BRANCH_*` modes; XGBoost's split is ``lessThan`` (`x < t` goes left, so `x == t`
    /// goes right) and LightGBM's is ``lessOrEqual`` (`x <= t` goes left). Comparisons run in the
    /// ensemble's ``Precision``. A NaN `x` never reaches the comparison: ``MissingValues``
    /// decides where it goes.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        /// `x < t` (XGBoost, ONNX `BRANCH_LT`).
        case lessThan
        /// `x <= t` (LightGBM, ONNX `BRANCH_LEQ`).
        case lessOrEqual
        /// `x >= t` (ONNX `BRANCH_GTE`).
        case greaterOrEqual
        /// `x > t` (ONNX `BRANCH_GT`).
        case greaterThan
        /// `x == t` (ONNX `BRANCH_EQ`). Evaluated on the general, slower path.
        case equal
        /// `x != t` (ONNX `BRANCH_NEQ`). Evaluated on the general, slower path.
        case notEqual
    }

    /// Where a branch sends a missing value (NaN) and which values count as missing.
    ///
    /// - XGBoost: NaN is missing and follows `default_left` (``nanTakesTrueBranch`` when the
    ///   default is left, because the true branch of `x < t` is the left child).
    /// - ONNX: ``nanTakesTrueBranch`` when `nodes_missing_value_tracks_true` is 1, otherwise
    ///   ``nanTakesFalseBranch``.
    /// - LightGBM missing type `None` is ``nanAsZero``; type `NaN` is ``nanTakesTrueBranch`` /
    ///   ``nanTakesFalseBranch`` from the default-left bit; type `Zero` is
    ///   ``zeroOrNaNTakesTrueBranch`` / ``zeroOrNaNTakesFalseBranch``.
    public enum MissingValues: String, Sendable, Hashable, CaseIterable {
        /// NaN takes the true branch; every other value is compared.
        case nanTakesTrueBranch
        /// NaN takes the false branch; every other value is compared.
        case nanTakesFalseBranch
        /// NaN is replaced by `0.0` and compared like any value (LightGBM missing type None).
        case nanAsZero
        /// NaN and every `x` with `|x| <= TreeEnsemble.lightGBMZeroThreshold` take the true branch
        /// (LightGBM missing type Zero with default-left); other values are compared.
        case zeroOrNaNTakesTrueBranch
        /// NaN and every `x` with `|x| <= TreeEnsemble.lightGBMZeroThreshold` take the false
        /// branch (LightGBM missing type Zero without default-left); other values are compared.
        case zeroOrNaNTakesFalseBranch
    }

    /// An internal node of a tree: compare one feature with a threshold and pick a child.
    public struct Branch: Sendable, Hashable {
        /// The column of the input row that is compared, `0 ..< featureCount`.
        public var feature: Int
        /// The threshold. In a ``Precision/float32`` ensemble it is rounded to `Float` (exact for
        /// thresholds that came from a float32 model). NaN and infinite thresholds are allowed
        /// and follow IEEE comparison rules.
        public var threshold: Double
        /// The comparison whose truth selects ``trueChild``.
        public var comparison: Comparison
        /// Index, in the tree's ``Tree/nodes``, of the child taken when the comparison is true.
        public var trueChild: Int
        /// Index, in the tree's ``Tree/nodes``, of the child taken when the comparison is false.
        public var falseChild: Int
        /// What happens to missing values at this node.
        public var missing: MissingValues

        /// Creates a branch.
        public init(
            feature: Int,
            threshold: Double,
            comparison: Comparison,
            trueChild: Int,
            falseChild: Int,
            missing: MissingValues
        ) {
            self.feature = feature
            self.threshold = threshold
            self.comparison = comparison
            self.trueChild = trueChild
            self.falseChild = falseChild
            self.missing = missing
        }
    }

    /// One contribution of a multi-target leaf: `weight` is added to output `output`.
    public struct LeafTarget: Sendable, Hashable {
        /// The output (target or class) index, `0 ..< outputCount`.
        public var output: Int
        /// The value added to that output when a row reaches the leaf.
        public var weight: Double

        /// Creates a leaf contribution.
        public init(output: Int, weight: Double) {
            self.output = output
            self.weight = weight
        }
    }

    /// A node of a tree as given to ``TreeEnsemble/init(trees:featureCount:outputCount:precision:baseScores:baseScoreOrder:aggregation:postTransform:task:featureNames:objective:inputZeroBand:limits:)``.
    public enum Node: Sendable, Hashable {
        /// An internal node.
        case branch(Branch)
        /// A leaf that adds its value to the tree's ``Tree/output`` (XGBoost, LightGBM and
        /// single-target ONNX leaves). Leaf values are used as given: XGBoost and LightGBM
        /// already store them scaled by the learning rate.
        case leaf(Double)
        /// A leaf that adds several weights, each to its own output (ONNX leaves with several
        /// `target_ids`/`class_ids`). Weights for the same output are summed; an empty list adds
        /// nothing. The tree's ``Tree/output`` is ignored for these leaves.
        case multiLeaf([LeafTarget])

        /// A branch node; see ``Branch`` for the parameters.
        public static func branch(
            feature: Int,
            threshold: Double,
            comparison: Comparison,
            trueChild: Int,
            falseChild: Int,
            missing: MissingValues
        ) -> Node {
            .branch(
                Branch(
                    feature: feature,
                    threshold: threshold,
                    comparison: comparison,
                    trueChild: trueChild,
                    falseChild: falseChild,
                    missing: missing
                )
            )
        }
    }

    /// One tree: its nodes, with the root at index 0.
    ///
    /// Children are indices into ``nodes``. Every node reachable from the root must be reached
    /// exactly once (no cycles, no shared subtrees); nodes that cannot be reached are ignored,
    /// as XGBoost's deleted nodes are.
    public struct Tree: Sendable, Hashable {
        /// The nodes; `nodes[0]` is the root (a single ``Node/leaf(_:)`` is a constant tree).
        public var nodes: [Node]
        /// The output that ``Node/leaf(_:)`` leaves add to: the class of the tree in XGBoost's
        /// and LightGBM's one-tree-per-class multiclass layout, `0` otherwise.
        public var output: Int

        /// Creates a tree.
        public init(nodes: [Node], output: Int = 0) {
            self.nodes = nodes
            self.output = output
        }
    }
}
