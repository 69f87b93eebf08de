/// A branch or leaf of a tree whose nodes all have the canonical form, packed for traversal.
///
/// The kernels first *expand* each row over the model's `U` used features (in
/// ``CompiledTrees/usedFeatures`` order) into `2U + 1` slots of ``TreeScalar/Expanded``: slot
/// `j` holds feature `j` with NaN replaced by `-inf`, slot `U + j` the same with NaN replaced
/// by `+inf` (both with `-0` written as `+0`), and slot `2U` the constant `0`. A branch whose
/// NaN goes left reads slot `j`, one whose NaN goes right reads slot `U + j`.
///
/// One step is `next = child + stepBit(slot, threshold)`, where ``TreeScalar/stepBit(_:_:)``
/// is 1 exactly when the slot is below the threshold: the *right* child (taken when
/// `x >= threshold`) is at `child`, the left child at `child + 1`. Nodes that always go left or
/// right read the constant slot with threshold `+1` or `-1`. A leaf is *absorbing*: constant
/// slot, threshold `-1`, its own index as child, so extra steps stay on it. Every tree is thus
/// walked a fixed number of steps (its depth) with no data-dependent branch. The compiler
/// builds these nodes only where the rewrite is exact; other trees use the general evaluator.
///
/// The slot is stored multiplied by 8: the block kernel keeps eight rows interleaved
/// (`value[slot * 8 + row]`), so all eight walks address their row with one base register and
/// a constant displacement; the row-at-a-time kernel shifts it back.
struct FastTreeNode: Sendable {
    /// The threshold in the ``TreeScalar/thresholdBits(_:)`` encoding.
    var threshold: Int64
    /// Eight times the expanded-row slot.
    var slot: UInt32
    /// The right child's index (the left child follows it); a leaf's own index.
    var child: Int32
}

/// A node of a tree that needs the general evaluator (`==`, `!=`, or LightGBM's missing type
/// Zero where the zero band straddles the threshold).
struct GeneralTreeNode<T: TreeScalar>: Sendable {
    /// The threshold as given (rounded to `T`).
    var threshold: T
    /// The feature index.
    var feature: UInt32
    /// The raw value of the ``TreeEnsemble/Comparison`` (index in `allCases`).
    var comparison: UInt8
    /// The raw value of the ``TreeEnsemble/MissingValues`` (index in `allCases`).
    var missing: UInt8
    /// The next general node when the comparison is true, or `~leafIndex` when it is a leaf.
    var trueNext: Int32
    /// The next general node when the comparison is false, or `~leafIndex` when it is a leaf.
    var falseNext: Int32
}

/// Per-tree facts the kernels need.
struct CompiledTree: Sendable {
    /// Fast trees: index of the root in the fast node array. General trees: the root's `next`
    /// encoding (a general node index, or `~leafIndex` for a single-leaf tree).
    var root: Int32
    /// The number of steps that takes every row of a fast tree to a leaf.
    var depth: Int32
    /// The output that scalar leaves of this tree add to.
    var output: Int32
    /// Whether the tree is evaluated by the general evaluator.
    var isGeneral: Bool
}

/// A run of consecutive trees that the single-row kernel walks together.
struct TreeGroup: Sendable {
    /// The first tree.
    var first: Int32
    /// How many trees (1 for a general tree; up to ``CompiledTrees/groupWidth`` otherwise).
    var count: Int32
    /// The largest depth of the group's trees.
    var depth: Int32

    /// Whether this is a single general tree.
    var isGeneral: Bool
}

/// How leaf values reach the outputs.
enum LeafLayout: Sendable {
    /// One output; each leaf holds one value.
    case single
    /// Several outputs; each leaf holds one value for its tree's output.
    case perTreeOutput
    /// Several outputs; each leaf holds a dense vector of `outputCount` values.
    case vector
}

/// The flattened, validated form of a ``TreeEnsemble`` that the kernels walk.
///
/// All arrays live in buffers allocated once at construction and freed in `deinit`.
// The buffers are written only in `init` and read-only afterwards, so sharing an instance
// between threads is safe; that is why the class is `@unchecked Sendable`.
final class CompiledTrees<T: TreeScalar>: @unchecked Sendable {
    /// How many trees the single-row kernel walks side by side.
    static var groupWidth: Int { 8 }

    let nodes: UnsafeMutableBufferPointer<FastTreeNode>
    let nodeLeaf: UnsafeMutableBufferPointer<Int32>
    let general: UnsafeMutableBufferPointer<GeneralTreeNode<T>>
    let leafValues: UnsafeMutableBufferPointer<T>
    let trees: UnsafeMutableBufferPointer<CompiledTree>
    let groups: UnsafeMutableBufferPointer<TreeGroup>
    let baseScores: UnsafeMutableBufferPointer<T>
    /// The input columns the fast trees read, ascending; `usedFeatures[j]` is expanded slot `j`.
    let usedFeatures: UnsafeMutableBufferPointer<Int32>
    /// Whether ``usedFeatures`` is `0 ..< featureCount` (expansion reads rows contiguously).
    let usesAllFeatures: Bool

    let layout: LeafLayout
    let featureCount: Int
    let outputCount: Int
    let treeCount: Int
    let baseFirst: Bool
    let hasBase: Bool
    let divisor: T?
    let transform: TreeEnsemble.PostTransform
    let logisticScale: T
    let generalTreeCount: Int
    let reachableNodeCount: Int
    /// Inputs with magnitude at most this are read as 0 (LightGBM); negative when unused.
    let inputZeroBand: T
    /// The trees as perfect trees for the C block kernel (see ``perfectLayout(nodes:nodeLeaf:leafValues:trees:layout:)``),
    /// empty when it does not support this ensemble.
    let perfect: UnsafeMutableBufferPointer<Int32>
    /// Per tree: the offset of its perfect tree in ``perfect`` and its depth.
    let perfectTrees: UnsafeMutableBufferPointer<Int32>

    init(
        nodes: [FastTreeNode],
        nodeLeaf: [Int32],
        general: [GeneralTreeNode<T>],
        leafValues: [T],
        trees: [CompiledTree],
        groups: [TreeGroup],
        baseScores: [T],
        usedFeatures: [Int32],
        layout: LeafLayout,
        featureCount: Int,
        outputCount: Int,
        baseFirst: Bool,
        hasBase: Bool,
        divisor: T?,
        transform: TreeEnsemble.PostTransform,
        inputZeroBand: T,
        reachableNodeCount: Int
    ) {
        self.reachableNodeCount = reachableNodeCount
        self.inputZeroBand = inputZeroBand
        self.nodes = Self.copy(nodes)
        self.nodeLeaf = Self.copy(nodeLeaf)
        self.general = Self.copy(general)
        self.leafValues = Self.copy(leafValues)
        self.trees = Self.copy(trees)
        self.groups = Self.copy(groups)
        self.baseScores = Self.copy(baseScores)
        self.usedFeatures = Self.copy(usedFeatures)
        let perfectLayout = Self.perfectLayout(
            nodes: nodes, nodeLeaf: nodeLeaf, leafValues: leafValues, trees: trees, layout: layout)
        self.perfect = Self.copy(perfectLayout.perfect)
        self.perfectTrees = Self.copy(perfectLayout.trees)
        self.usesAllFeatures = usedFeatures.count == featureCount
        self.layout = layout
        self.featureCount = featureCount
        self.outputCount = outputCount
        self.treeCount = trees.count
        self.baseFirst = baseFirst
        self.hasBase = hasBase
        self.divisor = divisor
        self.transform = transform
        switch transform {
        case .scaledLogistic(let scale): logisticScale = T(treeDouble: scale)
        default: logisticScale = 1
        }
        generalTreeCount = trees.reduce(0) { $0 + ($1.isGeneral ? 1 : 0) }
    }

    deinit {
        nodes.deallocate()
        nodeLeaf.deallocate()
        general.deallocate()
        leafValues.deallocate()
        trees.deallocate()
        groups.deallocate()
        baseScores.deallocate()
        usedFeatures.deallocate()
        perfect.deallocate()
        perfectTrees.deallocate()
    }

    private static func copy<E>(_ array: [E]) -> UnsafeMutableBufferPointer<E> {
        let buffer = UnsafeMutableBufferPointer<E>.allocate(capacity: Swift.max(array.count, 1))
        let slice = UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
        _ = slice.initialize(from: array)
        return slice
    }
}
