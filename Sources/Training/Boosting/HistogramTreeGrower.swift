import InferenceCore

/// Grows one tree leaf-wise from gradient/hessian histograms of binned features.
///
/// The binned training rows are column-major `UInt8`. The rows of each leaf are a contiguous
/// range of ``rowOrder`` (kept in ascending row order by a stable partition). A histogram holds,
/// for every bin of every feature, `(gradient sum, hessian sum)` as one `SIMD2<Double>` (row
/// counts come from the partition; a candidate child's is estimated from its share of the
/// hessian, as LightGBM does). After a split only the smaller child's histogram is built (from
/// the leaf's gradients gathered into row order); the larger child's is the parent's minus it.
///
/// Determinism: each feature's histogram is accumulated by one thread in row order, whatever the
/// thread count, and every other step is element-wise or serial — so the tree is the same on any
/// number of threads.
final class HistogramTreeGrower {
    struct Settings {
        var numLeaves: Int
        var maxDepth: Int
        var minChildWeight: Double
        var minSamplesLeaf: Int
        var lambda: Double
        var learningRate: Double
    }

    struct Split {
        var feature: Int
        var bin: Int
        var defaultLeft: Bool
        var gain: Double
        var left: SIMD2<Double>
    }

    struct Leaf {
        var start: Int
        var count: Int
        var sums: SIMD2<Double>
        var depth: Int
        var slot: Int
        var parent: Int
        var isLeft: Bool
        var split: Split?
    }

    let rowCount: Int
    let featureCount: Int
    let settings: Settings
    let pool: WorkerPool
    /// Column-major bins of the training rows.
    let bins: UnsafeMutablePointer<UInt8>
    let nanBins: UnsafeMutablePointer<UInt8>
    let offsets: UnsafeMutablePointer<Int>
    let binCounts: UnsafeMutablePointer<Int>
    let totalBins: Int
    /// The training rows of the current tree, grouped by leaf.
    let rowOrder: UnsafeMutablePointer<Int32>
    private let scratch: UnsafeMutablePointer<Int32>
    private let ordered: UnsafeMutablePointer<SIMD2<Float>>
    private let selected: UnsafeMutablePointer<Int>
    /// Per bin, 1 when the split being applied sends it left.
    private let goesLeft: UnsafeMutablePointer<UInt8>
    /// Per partition block, how many of its rows go left.
    private let partitionCounts: UnsafeMutablePointer<Int>
    private var selectedCount = 0
    private var slots: [UnsafeMutablePointer<SIMD2<Double>>] = []
    private var freeSlots: [Int] = []
    private(set) var leaves: [Leaf] = []

    /// Work below this many row-feature updates runs on the calling thread.
    static let parallelThreshold = 32_768
    static let gatherBlock = 65_536
    static let partitionBlock = 65_536

    init(binned: [UInt8], rowCount: Int, bins: FeatureBins, settings: Settings, pool: WorkerPool) {
        self.rowCount = rowCount
        featureCount = bins.featureCount
        self.settings = settings
        self.pool = pool
        let binStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, binned.count))
        binned.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { binStorage.initialize(from: base, count: binned.count) }
        }
        self.bins = binStorage
        nanBins = .allocate(capacity: max(1, featureCount))
        offsets = .allocate(capacity: featureCount + 1)
        binCounts = .allocate(capacity: max(1, featureCount))
        var total = 0
        for feature in 0..<featureCount {
            nanBins[feature] = UInt8(truncatingIfNeeded: bins.nanBin(feature))
            offsets[feature] = total
            binCounts[feature] = bins.binCount(feature)
            total += bins.binCount(feature)
        }
        offsets[featureCount] = total
        totalBins = total
        rowOrder = .allocate(capacity: max(1, rowCount))
        scratch = .allocate(capacity: max(1, rowCount))
        ordered = .allocate(capacity: max(1, rowCount))
        selected = .allocate(capacity: max(1, featureCount))
        goesLeft = .allocate(capacity: 256)
        partitionCounts = .allocate(capacity: max(1, (rowCount + Self.partitionBlock - 1) / Self.partitionBlock))
    }

    deinit {
        bins.deallocate()
        nanBins.deallocate()
        offsets.deallocate()
        binCounts.deallocate()
        rowOrder.deallocate()
        scratch.deallocate()
        ordered.deallocate()
        selected.deallocate()
        goesLeft.deallocate()
        partitionCounts.deallocate()
        for slot in slots { slot.deallocate() }
    }

    // MARK: Growing

    /// Grows a tree on the first `bagCount` rows of ``rowOrder`` (ascending; all rows in order when
    /// `allRows`), splitting only on `features` (ascending), with gradients and hessians `gh`
    /// indexed by row. Afterwards ``leaves`` holds each leaf's rows.
    func grow(gh: UnsafePointer<SIMD2<Float>>, bagCount: Int, allRows: Bool, features: [Int]) -> BoostedTree {
        selectedCount = features.count
        for (index, feature) in features.enumerated() { selected[index] = feature }
        freeSlots = Array(slots.indices.reversed())
        leaves.removeAll(keepingCapacity: true)
        var tree = BoostedTree()

        let rootSlot = takeSlot()
        buildHistogram(slot: rootSlot, start: 0, count: bagCount, allRows: allRows, gh: gh)
        var rootSums = SIMD2<Double>()
        if selectedCount > 0 {
            let feature = selected[0]
            let histogram = slots[rootSlot] + offsets[feature]
            for bin in 0..<binCounts[feature] { rootSums += histogram[bin] }
        } else {
            for k in 0..<bagCount {
                let value = gh[Int(rowOrder[k])]
                rootSums += SIMD2<Double>(value)
            }
        }
        leaves.append(
            Leaf(start: 0, count: bagCount, sums: rootSums, depth: 0, slot: rootSlot, parent: -1, isLeft: true))
        leaves[0].split = canSplit(leaves[0]) ? bestSplit(slot: rootSlot, sums: rootSums, count: bagCount) : nil

        while leaves.count < settings.numLeaves {
            var best = -1
            var bestGain = 0.0
            for (index, leaf) in leaves.enumerated() {
                if let split = leaf.split, split.gain > bestGain {
                    best = index
                    bestGain = split.gain
                }
            }
            guard best >= 0, let split = leaves[best].split else { break }
            apply(split, to: best, tree: &tree, gh: gh)
        }
        for index in leaves.indices where leaves[index].slot >= 0 {
            releaseSlot(leaves[index].slot)
            leaves[index].slot = -1
        }
        tree.leafValue = leaves.map { leafValue($0.sums) }
        tree.leafHessian = leaves.map { $0.sums.y }
        return tree
    }

    private func leafValue(_ sums: SIMD2<Double>) -> Double {
        let denominator = sums.y + settings.lambda
        guard denominator > 0 else { return 0 }
        return -sums.x / denominator * settings.learningRate
    }

    private func canSplit(_ leaf: Leaf) -> Bool {
        if settings.maxDepth > 0, leaf.depth >= settings.maxDepth { return false }
        return leaf.count >= 2 * settings.minSamplesLeaf
    }

    private func apply(_ split: Split, to index: Int, tree: inout BoostedTree, gh: UnsafePointer<SIMD2<Float>>) {
        let parent = leaves[index]
        let node = Int32(tree.internalCount)
        let newLeaf = leaves.count
        tree.splitFeature.append(Int32(split.feature))
        tree.splitBin.append(UInt8(truncatingIfNeeded: split.bin))
        tree.threshold.append(0)  // filled in by the trainer from the bin edges
        tree.defaultLeft.append(split.defaultLeft)
        tree.leftChild.append(~Int32(index))
        tree.rightChild.append(~Int32(newLeaf))
        tree.gain.append(split.gain)
        tree.internalHessian.append(parent.sums.y)
        if parent.parent >= 0 {
            if parent.isLeft { tree.leftChild[parent.parent] = node } else { tree.rightChild[parent.parent] = node }
        }

        let leftCount = partition(
            start: parent.start, count: parent.count, feature: split.feature, bin: split.bin,
            defaultLeft: split.defaultLeft)
        let leftSums = split.left
        let rightSums = parent.sums - leftSums
        var left = Leaf(
            start: parent.start, count: leftCount, sums: leftSums, depth: parent.depth + 1, slot: -1,
            parent: Int(node), isLeft: true)
        var right = Leaf(
            start: parent.start + leftCount, count: parent.count - leftCount, sums: rightSums,
            depth: parent.depth + 1, slot: -1, parent: Int(node), isLeft: false)
        let leftSplittable = canSplit(left)
        let rightSplittable = canSplit(right)
        if leftSplittable || rightSplittable {
            let smallIsLeft = left.count <= right.count
            let smallSlot = takeSlot()
            let small = smallIsLeft ? left : right
            buildHistogram(slot: smallSlot, start: small.start, count: small.count, allRows: false, gh: gh)
            subtract(from: parent.slot, smallSlot)
            if smallIsLeft {
                left.slot = smallSlot
                right.slot = parent.slot
            } else {
                right.slot = smallSlot
                left.slot = parent.slot
            }
            left.split = leftSplittable ? bestSplit(slot: left.slot, sums: left.sums, count: left.count) : nil
            right.split = rightSplittable ? bestSplit(slot: right.slot, sums: right.sums, count: right.count) : nil
            if !leftSplittable {
                releaseSlot(left.slot)
                left.slot = -1
            }
            if !rightSplittable {
                releaseSlot(right.slot)
                right.slot = -1
            }
        } else {
            releaseSlot(parent.slot)
        }
        leaves[index] = left
        leaves.append(right)
    }

    private func takeSlot() -> Int {
        if let slot = freeSlots.popLast() { return slot }
        slots.append(.allocate(capacity: max(1, totalBins)))
        return slots.count - 1
    }

    private func releaseSlot(_ slot: Int) {
        if slot >= 0 { freeSlots.append(slot) }
    }

    // MARK: Partition

    /// Stable partition of a leaf's rows: those going left first. Returns how many go left.
    private func partition(start: Int, count: Int, feature: Int, bin: Int, defaultLeft: Bool) -> Int {
        for value in 0..<256 { goesLeft[value] = value <= bin ? 1 : 0 }
        goesLeft[Int(nanBins[feature])] = defaultLeft ? 1 : 0
        let blocks = (count + Self.partitionBlock - 1) / Self.partitionBlock
        let work = PartitionWork(
            column: UnsafeSendable(bins + feature * rowCount), goesLeft: UnsafeSendable(goesLeft),
            rows: UnsafeSendable(rowOrder + start), scratch: UnsafeSendable(scratch + start),
            leftCounts: UnsafeSendable(partitionCounts), count: count)
        if blocks == 1 {
            return work.splitInPlace()
        }
        // Each fixed block of rows is split into its scratch range (lefts, then rights); the
        // blocks' parts are then copied into place in block order: the same result as a serial
        // stable partition, on any number of threads.
        if pool.threadCount > 1 {
            pool.parallelFor(blocks, work: work)
        } else {
            for block in 0..<blocks { work.run(block) }
        }
        var leftTotal = 0
        for block in 0..<blocks { leftTotal += partitionCounts[block] }
        var left = 0
        var right = leftTotal
        for block in 0..<blocks {
            let blockStart = block * Self.partitionBlock
            let blockCount = min(count - blockStart, Self.partitionBlock)
            let lefts = partitionCounts[block]
            (rowOrder + start + left).update(from: scratch + start + blockStart, count: lefts)
            (rowOrder + start + right).update(from: scratch + start + blockStart + lefts, count: blockCount - lefts)
            left += lefts
            right += blockCount - lefts
        }
        return leftTotal
    }

    // MARK: Histograms

    private func buildHistogram(
        slot: Int, start: Int, count: Int, allRows: Bool, gh: UnsafePointer<SIMD2<Float>>
    ) {
        let histogram = slots[slot]
        for index in 0..<selectedCount {
            let feature = selected[index]
            (histogram + offsets[feature]).update(repeating: SIMD2<Double>(), count: binCounts[feature])
        }
        guard count > 0, selectedCount > 0 else { return }
        let parallel = count * selectedCount >= Self.parallelThreshold && pool.threadCount > 1
        var source = gh
        var rows: UnsafePointer<Int32>?
        if !allRows {
            let gather = GatherWork(
                rows: UnsafeSendable(rowOrder + start), gh: UnsafeSendable(gh), ordered: UnsafeSendable(ordered),
                count: count)
            let blocks = (count + Self.gatherBlock - 1) / Self.gatherBlock
            if parallel, blocks > 1 {
                pool.parallelFor(blocks, work: gather)
            } else {
                for block in 0..<blocks { gather.run(block) }
            }
            source = UnsafePointer(ordered)
            rows = UnsafePointer(rowOrder + start)
        }
        // Groups of up to four features (one pass over the rows each), as many as a multiple of
        // the thread count so that the threads get equal shares. Each feature's histogram is
        // accumulated the same way whatever the grouping, so it does not change the result.
        var groups = (selectedCount + 3) / 4
        if parallel {
            let threads = pool.threadCount
            groups = min(selectedCount, (groups + threads - 1) / threads * threads)
        }
        let work = HistogramWork(
            bins: UnsafeSendable(bins), rowCount: rowCount, histogram: UnsafeSendable(histogram),
            offsets: UnsafeSendable(offsets), features: UnsafeSendable(selected), featureCount: selectedCount,
            groupCount: groups, gh: UnsafeSendable(source), rows: rows.map { UnsafeSendable($0) }, count: count)
        if parallel, groups > 1 {
            pool.parallelFor(groups, work: work)
        } else {
            for group in 0..<groups { work.run(group) }
        }
    }

    /// `slots[large] -= slots[small]` on the selected features.
    private func subtract(from large: Int, _ small: Int) {
        let target = slots[large]
        let source = slots[small]
        for index in 0..<selectedCount {
            let feature = selected[index]
            let offset = offsets[feature]
            for bin in offset..<(offset + binCounts[feature]) { target[bin] -= source[bin] }
        }
    }

    // MARK: Split finding

    private func bestSplit(slot: Int, sums: SIMD2<Double>, count: Int) -> Split? {
        let lambda = settings.lambda
        let minCount = Double(settings.minSamplesLeaf)
        let minHessian = settings.minChildWeight
        @inline(__always) func score(_ g: Double, _ h: Double) -> Double { g * g / (h + lambda) }
        guard sums.y + lambda > 0 else { return nil }
        let parentScore = score(sums.x, sums.y)
        var best: Split?
        // A gain within rounding noise of the parent's score is no gain (a pure leaf's splits).
        var bestGain = parentScore * 1e-12
        // Like LightGBM, a child's row count is estimated from its share of the hessian sum (exact
        // for squared error, whose hessians are all 1).
        let rowsPerHessian = Double(count) / sums.y
        @inline(__always) func rows(_ sums: SIMD2<Double>) -> Double { (sums.y * rowsPerHessian).rounded() }
        let histogram = slots[slot]
        for index in 0..<selectedCount {
            let feature = selected[index]
            let bins = histogram + offsets[feature]
            let nanBin = Int(nanBins[feature])
            guard nanBin >= 2 || bins[nanBin].y > 0 else { continue }
            let missing = bins[nanBin]
            let hasMissing = missing.y > 0
            var left = SIMD2<Double>()
            let lastThreshold = hasMissing ? nanBin - 1 : nanBin - 2
            if lastThreshold < 0 { continue }
            for bin in 0...lastThreshold {
                left += bins[bin]
                // Missing values right.
                let right = sums - left
                if rows(left) >= minCount, rows(right) >= minCount, left.y >= minHessian, right.y >= minHessian,
                    left.y + lambda > 0, right.y + lambda > 0
                {
                    let gain = score(left.x, left.y) + score(right.x, right.y) - parentScore
                    if gain > bestGain {
                        bestGain = gain
                        let defaultLeft = hasMissing ? false : rows(left) >= rows(right)
                        best = Split(feature: feature, bin: bin, defaultLeft: defaultLeft, gain: gain, left: left)
                    }
                }
                // Missing values left (only when there are some and values remain on the right).
                if hasMissing, bin < nanBin - 1 {
                    let withMissing = left + missing
                    let rest = sums - withMissing
                    if rows(withMissing) >= minCount, rows(rest) >= minCount, withMissing.y >= minHessian,
                        rest.y >= minHessian, withMissing.y + lambda > 0, rest.y + lambda > 0
                    {
                        let gain = score(withMissing.x, withMissing.y) + score(rest.x, rest.y) - parentScore
                        if gain > bestGain {
                            bestGain = gain
                            best = Split(feature: feature, bin: bin, defaultLeft: true, gain: gain, left: withMissing)
                        }
                    }
                }
            }
        }
        return best
    }
}

/// Splits one fixed block of a leaf's rows into its scratch range: the rows going left, in
/// order, then those going right; records the left count.
struct PartitionWork: ParallelWork {
    let column: UnsafeSendable<UInt8>
    let goesLeft: UnsafeSendable<UInt8>
    let rows: UnsafeSendable<Int32>
    let scratch: UnsafeSendable<Int32>
    let leftCounts: UnsafeSendable<Int>
    let count: Int

    func run(_ block: Int) {
        let start = block * HistogramTreeGrower.partitionBlock
        let end = min(count, start + HistogramTreeGrower.partitionBlock)
        let column = column.pointer
        let table = goesLeft.pointer
        let rows = rows.pointer
        let out = scratch.pointer + start
        // Lefts fill the block's range from the front, rights from the back (reversed).
        var left = 0
        var back = end - start - 1
        for k in start..<end {
            let row = rows[k]
            let isLeft = Int(table[Int(column[Int(row)])])
            out[left] = row
            out[back] = row
            left += isLeft
            back -= 1 - isLeft
        }
        // Restore the rights' order.
        var low = left
        var high = end - start - 1
        while low < high {
            let swap = out[low]
            out[low] = out[high]
            out[high] = swap
            low += 1
            high -= 1
        }
        leftCounts.pointer[block] = left
    }

    /// The whole range as one block, in place: returns the left count.
    func splitInPlace() -> Int {
        let column = column.pointer
        let table = goesLeft.pointer
        let rows = rows.pointer
        let spill = scratch.pointer
        var left = 0
        var right = 0
        for k in 0..<count {
            let row = rows[k]
            let isLeft = Int(table[Int(column[Int(row)])])
            rows[left] = row
            spill[right] = row
            left += isLeft
            right += 1 - isLeft
        }
        (rows + left).update(from: spill, count: right)
        return left
    }
}

/// Gathers a leaf's gradients into row order: block `b` copies 65,536 rows.
struct GatherWork: ParallelWork {
    let rows: UnsafeSendable<Int32>
    let gh: UnsafeSendable<SIMD2<Float>>
    let ordered: UnsafeSendable<SIMD2<Float>>
    let count: Int

    func run(_ block: Int) {
        let start = block * HistogramTreeGrower.gatherBlock
        let end = min(count, start + HistogramTreeGrower.gatherBlock)
        let rows = rows.pointer
        let gh = gh.pointer
        let ordered = ordered.pointer
        for k in start..<end { ordered[k] = gh[Int(rows[k])] }
    }
}

/// Accumulates the histograms of one group of up to four features over a leaf's rows.
struct HistogramWork: ParallelWork {
    let bins: UnsafeSendable<UInt8>
    let rowCount: Int
    let histogram: UnsafeSendable<SIMD2<Double>>
    let offsets: UnsafeSendable<Int>
    let features: UnsafeSendable<Int>
    let featureCount: Int
    let groupCount: Int
    /// Gradients: indexed by row when `rows` is nil, else by position in the leaf.
    let gh: UnsafeSendable<SIMD2<Float>>
    let rows: UnsafeSendable<Int32>?
    let count: Int

    func run(_ group: Int) {
        var first = group * featureCount / groupCount
        let last = (group + 1) * featureCount / groupCount
        let f = features.pointer
        while last - first >= 4 {
            accumulate4(f[first], f[first + 1], f[first + 2], f[first + 3])
            first += 4
        }
        switch last - first {
        case 3:
            accumulate2(f[first], f[first + 1])
            accumulate1(f[first + 2])
        case 2: accumulate2(f[first], f[first + 1])
        case 1: accumulate1(f[first])
        default: break
        }
    }

    @inline(__always)
    private func accumulate4(_ f0: Int, _ f1: Int, _ f2: Int, _ f3: Int) {
        let c0 = bins.pointer + f0 * rowCount
        let c1 = bins.pointer + f1 * rowCount
        let c2 = bins.pointer + f2 * rowCount
        let c3 = bins.pointer + f3 * rowCount
        let h0 = histogram.pointer + offsets.pointer[f0]
        let h1 = histogram.pointer + offsets.pointer[f1]
        let h2 = histogram.pointer + offsets.pointer[f2]
        let h3 = histogram.pointer + offsets.pointer[f3]
        let gh = gh.pointer
        if let rows = rows?.pointer {
            for k in 0..<count {
                let row = Int(rows[k])
                let g = gh[k]
                let value = SIMD2<Double>(g)
                h0[Int(c0[row])] += value
                h1[Int(c1[row])] += value
                h2[Int(c2[row])] += value
                h3[Int(c3[row])] += value
            }
        } else {
            for row in 0..<count {
                let g = gh[row]
                let value = SIMD2<Double>(g)
                h0[Int(c0[row])] += value
                h1[Int(c1[row])] += value
                h2[Int(c2[row])] += value
                h3[Int(c3[row])] += value
            }
        }
    }

    @inline(__always)
    private func accumulate2(_ f0: Int, _ f1: Int) {
        let c0 = bins.pointer + f0 * rowCount
        let c1 = bins.pointer + f1 * rowCount
        let h0 = histogram.pointer + offsets.pointer[f0]
        let h1 = histogram.pointer + offsets.pointer[f1]
        let gh = gh.pointer
        if let rows = rows?.pointer {
            for k in 0..<count {
                let row = Int(rows[k])
                let g = gh[k]
                let value = SIMD2<Double>(g)
                h0[Int(c0[row])] += value
                h1[Int(c1[row])] += value
            }
        } else {
            for row in 0..<count {
                let g = gh[row]
                let value = SIMD2<Double>(g)
                h0[Int(c0[row])] += value
                h1[Int(c1[row])] += value
            }
        }
    }

    @inline(__always)
    private func accumulate1(_ feature: Int) {
        let column = bins.pointer + feature * rowCount
        let h = histogram.pointer + offsets.pointer[feature]
        let gh = gh.pointer
        if let rows = rows?.pointer {
            for k in 0..<count {
                let g = gh[k]
                h[Int(column[Int(rows[k])])] += SIMD2<Double>(g)
            }
        } else {
            for row in 0..<count {
                let g = gh[row]
                h[Int(column[row])] += SIMD2<Double>(g)
            }
        }
    }
}
