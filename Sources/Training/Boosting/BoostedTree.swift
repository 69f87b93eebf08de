/// One regression tree of a boosted ensemble, laid out like LightGBM's: internal nodes
/// `0..<splitFeature.count` (the root is 0 when there is one), leaves `0..<leafValue.count`; a
/// child index `c >= 0` is an internal node, `c < 0` the leaf `~c`.
///
/// A row goes left at node `n` when its value is NaN and ``defaultLeft``[n] is set, or when it is
/// not NaN and `x <= threshold[n]`; in bins, when the bin is the NaN bin and ``defaultLeft``, or
/// `bin <= splitBin[n]` otherwise. `threshold[n]` is the upper edge of bin `splitBin[n]`, so both
/// route every value the same way.
struct BoostedTree: Sendable, Hashable {
    var splitFeature: [Int32] = []
    var splitBin: [UInt8] = []
    var threshold: [Double] = []
    var defaultLeft: [Bool] = []
    var leftChild: [Int32] = []
    var rightChild: [Int32] = []
    /// The gain of each split (for the XGBoost export's `loss_changes`).
    var gain: [Double] = []
    /// The hessian sum of each internal node's rows.
    var internalHessian: [Double] = []
    /// The leaf values, learning rate included.
    var leafValue: [Double] = []
    /// The hessian sum of each leaf's rows.
    var leafHessian: [Double] = []
    /// The output (class) the tree adds to.
    var output: Int = 0

    var internalCount: Int { splitFeature.count }

    /// The leaf a row of raw values reaches (`row` points at its `featureCount` values).
    @inline(__always)
    func leaf(row: UnsafePointer<Double>) -> Int {
        guard !splitFeature.isEmpty else { return 0 }
        var node: Int32 = 0
        while node >= 0 {
            let index = Int(node)
            let value = row[Int(splitFeature[index])]
            let left = value.isNaN ? defaultLeft[index] : value <= threshold[index]
            node = left ? leftChild[index] : rightChild[index]
        }
        return Int(~node)
    }

    /// The leaf of row `row` of a column-major binned matrix of `rowCount` rows.
    @inline(__always)
    func leaf(binned: UnsafePointer<UInt8>, rowCount: Int, row: Int, nanBins: UnsafePointer<UInt8>) -> Int {
        guard !splitFeature.isEmpty else { return 0 }
        var node: Int32 = 0
        while node >= 0 {
            let index = Int(node)
            let feature = Int(splitFeature[index])
            let bin = binned[feature * rowCount + row]
            let left = bin == nanBins[feature] ? defaultLeft[index] : bin <= splitBin[index]
            node = left ? leftChild[index] : rightChild[index]
        }
        return Int(~node)
    }
}
