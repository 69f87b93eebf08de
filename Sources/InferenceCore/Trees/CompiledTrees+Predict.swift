import MLOpsCore

/// The traversal kernels.
///
/// Rows are first *expanded* (see ``FastTreeNode``), which also does the one conversion from
/// the input type. Then, branch-free:
/// - one row at a time (small batches, latency): up to ``CompiledTrees/groupWidth`` trees are
///   walked side by side so their independent load-compare chains overlap;
/// - a block of rows at a time (throughput): tree by tree, eight interleaved rows side by side,
///   so a tree's nodes stay in L1 while the block's rows go through it.
/// Leaf values are added in tree order in both, so the sums are bit-identical.
///
/// Scratch memory is on the stack: up to 1 KiB per buffer through
/// `withUnsafeTemporaryAllocation` (the runtime keeps only that much on the stack; larger
/// requests go to the heap), otherwise fixed-size `InlineArray`s. Rows too wide for those are
/// walked unexpanded (slower, still allocation-free).
extension CompiledTrees {
    /// Rows per batch below which the row-at-a-time kernel is used.
    static var blockThreshold: Int { 16 }
    /// The most rows in one block.
    static var maxBlockRows: Int { 256 }

    var usedCount: Int { usedFeatures.count }

    /// The number of slots an expanded row takes: `2U + 1`.
    var expandedWidth: Int { 2 * usedCount + 1 }

    // MARK: - Expansion and steps

    /// Writes row `x` expanded into `expanded`, one slot every `spacing` elements (1 for a
    /// single row, 8 for column `row` of an interleaved group).
    @inline(__always)
    func expand<I: TreeScalar>(_ x: UnsafePointer<I>, into expanded: UnsafeMutablePointer<T.Expanded>, spacing: Int) {
        let count = usedCount
        let low = expanded
        let high = expanded + count * spacing
        let lowNaN = T.expanded(-.infinity)
        let highNaN = T.expanded(.infinity)
        let band = inputZeroBand
        if usesAllFeatures {
            for j in 0..<count {
                let value: T = x[j].treeConverted()
                let isNaN = value.isNaN
                let key = T.expanded(abs(value) <= band ? 0 : value)
                low[j &* spacing] = isNaN ? lowNaN : key
                high[j &* spacing] = isNaN ? highNaN : key
            }
        } else {
            let used = usedFeatures.baseAddress.unsafelyUnwrapped
            for j in 0..<count {
                let value: T = x[Int(used[j])].treeConverted()
                let isNaN = value.isNaN
                let key = T.expanded(abs(value) <= band ? 0 : value)
                low[j &* spacing] = isNaN ? lowNaN : key
                high[j &* spacing] = isNaN ? highNaN : key
            }
        }
        expanded[2 * count * spacing] = T.expanded(0)
    }

    /// One step on a single expanded row: the child of node `n`.
    @inline(__always)
    static func step(_ nodes: UnsafeMutablePointer<FastTreeNode>, _ x: UnsafePointer<T.Expanded>, _ n: Int) -> Int {
        let node = nodes[n]
        return Int(node.child) &+ T.stepBit(x[Int(node.slot &>> 3)], node.threshold)
    }

    /// One step of row `row` (0-7) of an interleaved 8-row group: the child of node `n`.
    @inline(__always)
    static func step(
        _ nodes: UnsafeMutablePointer<FastTreeNode>,
        group x: UnsafePointer<T.Expanded>,
        row: Int,
        _ n: Int
    ) -> Int {
        let node = nodes[n]
        return Int(node.child) &+ T.stepBit(x[Int(node.slot) &+ row], node.threshold)
    }

    /// One step on an unexpanded row (for rows too wide to expand on the stack): the slot value
    /// is computed on the fly, then the same arithmetic as ``step(_:_:_:)``.
    @inline(__always)
    func directStep<I: TreeScalar>(_ nodes: UnsafeMutablePointer<FastTreeNode>, _ x: UnsafePointer<I>, _ n: Int) -> Int
    {
        let node = nodes[n]
        let count = UInt32(usedCount)
        let slot = node.slot &>> 3
        var value: T = 0
        if slot < 2 * count {
            let nanRight = slot >= count
            let j = Int(nanRight ? slot &- count : slot)
            let raw: T = x[Int(usedFeatures[j])].treeConverted()
            value = raw.isNaN ? (nanRight ? .infinity : -.infinity) : (abs(raw) <= inputZeroBand ? 0 : raw)
        }
        return Int(node.child) &+ T.stepBit(T.expanded(value), node.threshold)
    }

    /// Walks a general tree from its root encoding to a leaf index.
    @inline(__always)
    func generalLeaf<I: TreeScalar>(root: Int32, _ x: UnsafePointer<I>) -> Int {
        let nodes = general.baseAddress.unsafelyUnwrapped
        let band = T(treeDouble: TreeEnsembleCompiler.zeroBand)
        var next = Int(root)
        while next >= 0 {
            let node = nodes[next]
            var value: T = x[Int(node.feature)].treeConverted()
            if abs(value) <= inputZeroBand { value = 0 }
            switch node.missing {
            case 0:
                if value.isNaN {
                    next = Int(node.trueNext)
                    continue
                }
            case 1:
                if value.isNaN {
                    next = Int(node.falseNext)
                    continue
                }
            case 2:
                if value.isNaN { value = 0 }
            default:
                if value.isNaN || (value >= -band && value <= band) {
                    next = Int(node.missing == 3 ? node.trueNext : node.falseNext)
                    continue
                }
            }
            let threshold = node.threshold
            let isTrue: Bool
            switch node.comparison {
            case 0: isTrue = value < threshold
            case 1: isTrue = value <= threshold
            case 2: isTrue = value >= threshold
            case 3: isTrue = value > threshold
            case 4: isTrue = value == threshold
            default: isTrue = value != threshold
            }
            next = Int(isTrue ? node.trueNext : node.falseNext)
        }
        return ~next
    }

    // MARK: - Leaf visitors

    /// Calls `body(tree, leaf)` for every tree, in order, for one row. `expanded` is the
    /// expanded row, or nil to step on the raw row `x`.
    @inline(__always)
    func forEachLeaf<I: TreeScalar>(
        row x: UnsafePointer<I>,
        expanded: UnsafePointer<T.Expanded>?,
        _ body: (Int, Int) -> Void
    ) {
        let nodes = self.nodes.baseAddress.unsafelyUnwrapped
        let nodeLeaf = self.nodeLeaf.baseAddress.unsafelyUnwrapped
        let trees = self.trees.baseAddress.unsafelyUnwrapped
        for group in groups {
            let first = Int(group.first)
            if group.isGeneral {
                body(first, generalLeaf(root: trees[first].root, x))
                continue
            }
            guard let xe = expanded else {
                for tree in first..<first + Int(group.count) {
                    var n = Int(trees[tree].root)
                    for _ in 0..<Int(trees[tree].depth) { n = directStep(nodes, x, n) }
                    body(tree, Int(nodeLeaf[n]))
                }
                continue
            }
            // Always eight walks side by side; a short group repeats its last tree, whose extra
            // results are ignored.
            let count = Int(group.count)
            let last = first + count - 1
            var n0 = Int(trees[first].root)
            var n1 = Int(trees[min(first + 1, last)].root)
            var n2 = Int(trees[min(first + 2, last)].root)
            var n3 = Int(trees[min(first + 3, last)].root)
            var n4 = Int(trees[min(first + 4, last)].root)
            var n5 = Int(trees[min(first + 5, last)].root)
            var n6 = Int(trees[min(first + 6, last)].root)
            var n7 = Int(trees[min(first + 7, last)].root)
            // Unrolled by two: keeps the eight walks in registers (no spills).
            var remaining = Int(group.depth)
            while remaining >= 2 {
                n0 = Self.step(nodes, xe, n0)
                n1 = Self.step(nodes, xe, n1)
                n2 = Self.step(nodes, xe, n2)
                n3 = Self.step(nodes, xe, n3)
                n4 = Self.step(nodes, xe, n4)
                n5 = Self.step(nodes, xe, n5)
                n6 = Self.step(nodes, xe, n6)
                n7 = Self.step(nodes, xe, n7)
                n0 = Self.step(nodes, xe, n0)
                n1 = Self.step(nodes, xe, n1)
                n2 = Self.step(nodes, xe, n2)
                n3 = Self.step(nodes, xe, n3)
                n4 = Self.step(nodes, xe, n4)
                n5 = Self.step(nodes, xe, n5)
                n6 = Self.step(nodes, xe, n6)
                n7 = Self.step(nodes, xe, n7)
                remaining -= 2
            }
            if remaining > 0 {
                n0 = Self.step(nodes, xe, n0)
                n1 = Self.step(nodes, xe, n1)
                n2 = Self.step(nodes, xe, n2)
                n3 = Self.step(nodes, xe, n3)
                n4 = Self.step(nodes, xe, n4)
                n5 = Self.step(nodes, xe, n5)
                n6 = Self.step(nodes, xe, n6)
                n7 = Self.step(nodes, xe, n7)
            }
            body(first, Int(nodeLeaf[n0]))
            if count > 1 { body(first + 1, Int(nodeLeaf[n1])) }
            if count > 2 { body(first + 2, Int(nodeLeaf[n2])) }
            if count > 3 { body(first + 3, Int(nodeLeaf[n3])) }
            if count > 4 { body(first + 4, Int(nodeLeaf[n4])) }
            if count > 5 { body(first + 5, Int(nodeLeaf[n5])) }
            if count > 6 { body(first + 6, Int(nodeLeaf[n6])) }
            if count > 7 { body(first + 7, Int(nodeLeaf[n7])) }
        }
    }

    /// Calls `body(row, tree, leaf)` for every tree (outer loop, in order) and every row of a
    /// block. `expanded` holds the block's rows expanded in interleaved groups of eight
    /// (``expandedWidth`` × 8 slots per group; a short last group is padded); `rows` the raw
    /// rows, which general trees read.
    @inline(__always)
    func forEachLeaf<I: TreeScalar>(
        block rows: UnsafePointer<I>,
        expanded: UnsafePointer<T.Expanded>,
        rowCount: Int,
        _ body: (Int, Int, Int) -> Void
    ) {
        let nodes = self.nodes.baseAddress.unsafelyUnwrapped
        let nodeLeaf = self.nodeLeaf.baseAddress.unsafelyUnwrapped
        let rowStride = featureCount
        let groupStride = expandedWidth * 8
        for tree in 0..<treeCount {
            let info = trees[tree]
            if info.isGeneral {
                for row in 0..<rowCount {
                    body(row, tree, generalLeaf(root: info.root, rows + row * rowStride))
                }
                continue
            }
            let root = Int(info.root)
            let depth = Int(info.depth)
            var row = 0
            while row < rowCount {
                let x = expanded + (row &>> 3) * groupStride
                var n0 = root
                var n1 = root
                var n2 = root
                var n3 = root
                var n4 = root
                var n5 = root
                var n6 = root
                var n7 = root
                // Unrolled by two: keeps the eight walks in registers (no spills).
                var remaining = depth
                while remaining >= 2 {
                    n0 = Self.step(nodes, group: x, row: 0, n0)
                    n1 = Self.step(nodes, group: x, row: 1, n1)
                    n2 = Self.step(nodes, group: x, row: 2, n2)
                    n3 = Self.step(nodes, group: x, row: 3, n3)
                    n4 = Self.step(nodes, group: x, row: 4, n4)
                    n5 = Self.step(nodes, group: x, row: 5, n5)
                    n6 = Self.step(nodes, group: x, row: 6, n6)
                    n7 = Self.step(nodes, group: x, row: 7, n7)
                    n0 = Self.step(nodes, group: x, row: 0, n0)
                    n1 = Self.step(nodes, group: x, row: 1, n1)
                    n2 = Self.step(nodes, group: x, row: 2, n2)
                    n3 = Self.step(nodes, group: x, row: 3, n3)
                    n4 = Self.step(nodes, group: x, row: 4, n4)
                    n5 = Self.step(nodes, group: x, row: 5, n5)
                    n6 = Self.step(nodes, group: x, row: 6, n6)
                    n7 = Self.step(nodes, group: x, row: 7, n7)
                    remaining -= 2
                }
                if remaining > 0 {
                    n0 = Self.step(nodes, group: x, row: 0, n0)
                    n1 = Self.step(nodes, group: x, row: 1, n1)
                    n2 = Self.step(nodes, group: x, row: 2, n2)
                    n3 = Self.step(nodes, group: x, row: 3, n3)
                    n4 = Self.step(nodes, group: x, row: 4, n4)
                    n5 = Self.step(nodes, group: x, row: 5, n5)
                    n6 = Self.step(nodes, group: x, row: 6, n6)
                    n7 = Self.step(nodes, group: x, row: 7, n7)
                }
                let valid = rowCount - row
                body(row, tree, Int(nodeLeaf[n0]))
                if valid > 1 { body(row + 1, tree, Int(nodeLeaf[n1])) }
                if valid > 2 { body(row + 2, tree, Int(nodeLeaf[n2])) }
                if valid > 3 { body(row + 3, tree, Int(nodeLeaf[n3])) }
                if valid > 4 { body(row + 4, tree, Int(nodeLeaf[n4])) }
                if valid > 5 { body(row + 5, tree, Int(nodeLeaf[n5])) }
                if valid > 6 { body(row + 6, tree, Int(nodeLeaf[n6])) }
                if valid > 7 { body(row + 7, tree, Int(nodeLeaf[n7])) }
                row += 8
            }
        }
    }

    // MARK: - Accumulation

    /// Adds every tree's leaf for one row to `acc` (`outputCount` values holding the start).
    @inline(__always)
    func accumulate<I: TreeScalar>(
        row x: UnsafePointer<I>,
        expanded: UnsafePointer<T.Expanded>?,
        into acc: UnsafeMutablePointer<T>
    ) {
        let values = leafValues.baseAddress.unsafelyUnwrapped
        switch layout {
        case .single:
            var sum = acc[0]
            forEachLeaf(row: x, expanded: expanded) { _, leaf in sum += values[leaf] }
            acc[0] = sum
        case .perTreeOutput:
            let trees = self.trees.baseAddress.unsafelyUnwrapped
            forEachLeaf(row: x, expanded: expanded) { tree, leaf in acc[Int(trees[tree].output)] += values[leaf] }
        case .vector:
            let width = outputCount
            forEachLeaf(row: x, expanded: expanded) { _, leaf in
                let vector = values + leaf * width
                for k in 0..<width { acc[k] += vector[k] }
            }
        }
    }

    /// Adds every tree's leaf for each row of a block to `acc` (`rowCount * outputCount`).
    @inline(__always)
    func accumulate<I: TreeScalar>(
        block rows: UnsafePointer<I>,
        expanded: UnsafePointer<T.Expanded>,
        rowCount: Int,
        into acc: UnsafeMutablePointer<T>
    ) {
        let values = leafValues.baseAddress.unsafelyUnwrapped
        let width = outputCount
        switch layout {
        case .single:
            forEachLeaf(block: rows, expanded: expanded, rowCount: rowCount) { row, _, leaf in
                acc[row] += values[leaf]
            }
        case .perTreeOutput:
            let trees = self.trees.baseAddress.unsafelyUnwrapped
            forEachLeaf(block: rows, expanded: expanded, rowCount: rowCount) { row, tree, leaf in
                acc[row * width + Int(trees[tree].output)] += values[leaf]
            }
        case .vector:
            forEachLeaf(block: rows, expanded: expanded, rowCount: rowCount) { row, _, leaf in
                let vector = values + leaf * width
                let target = acc + row * width
                for k in 0..<width { target[k] += vector[k] }
            }
        }
    }

    /// Sets one row's accumulator to its starting value (the base scores or zero).
    @inline(__always)
    func startRow(_ acc: UnsafeMutablePointer<T>) {
        if hasBase && baseFirst {
            let base = baseScores.baseAddress.unsafelyUnwrapped
            for k in 0..<outputCount { acc[k] = base[k] }
        } else {
            for k in 0..<outputCount { acc[k] = 0 }
        }
    }

    /// Turns one row's accumulator into raw scores and transformed outputs.
    @inline(__always)
    func finalize<O: TreeScalar>(
        _ acc: UnsafeMutablePointer<T>,
        raw: UnsafeMutablePointer<O>?,
        transformed: UnsafeMutablePointer<O>?
    ) {
        let width = outputCount
        let base = baseScores.baseAddress.unsafelyUnwrapped
        let addBaseLast = hasBase && !baseFirst
        for k in 0..<width {
            var value = acc[k]
            if let divisor { value = value / divisor }
            if addBaseLast { value = value + base[k] }
            acc[k] = value
            raw?[k] = value.treeConverted()
        }
        guard let transformed else { return }
        switch transform {
        case .none:
            for k in 0..<width { transformed[k] = acc[k].treeConverted() }
        case .logistic:
            for k in 0..<width {
                let p: T = 1 / (1 + T.treeExp(-acc[k]))
                transformed[k] = p.treeConverted()
            }
        case .scaledLogistic:
            let scale = logisticScale
            for k in 0..<width {
                let p: T = 1 / (1 + T.treeExp(-(scale * acc[k])))
                transformed[k] = p.treeConverted()
            }
        case .exponential:
            for k in 0..<width { transformed[k] = T.treeExp(acc[k]).treeConverted() }
        case .softmax:
            var largest = acc[0]
            for k in 1..<width where acc[k] > largest { largest = acc[k] }
            var sum: T = 0
            for k in 0..<width {
                let e = T.treeExp(acc[k] - largest)
                acc[k] = e
                sum += e
            }
            for k in 0..<width { transformed[k] = (acc[k] / sum).treeConverted() }
        case .softmaxZero:
            var largest = -T.infinity
            for k in 0..<width where acc[k] != 0 && acc[k] > largest { largest = acc[k] }
            var sum: T = 0
            for k in 0..<width where acc[k] != 0 {
                let e = T.treeExp(acc[k] - largest)
                acc[k] = e
                sum += e
            }
            for k in 0..<width {
                transformed[k] = acc[k] == 0 ? 0 : (acc[k] / sum).treeConverted()
            }
        }
    }

    // MARK: - Driver

    /// Predicts `rowCount` rows of `featureCount` values each.
    ///
    /// `rows` must be valid for `rowCount * featureCount` reads (any non-null pointer when that
    /// is zero) and each non-nil output for `rowCount * outputCount` writes; the public wrappers
    /// check this. `level` picks the block kernel (``blockKernel(at:)``); all give the same bits.
    func predict<I: TreeScalar, O: TreeScalar>(
        rows: UnsafePointer<I>,
        rowCount: Int,
        raw: UnsafeMutablePointer<O>?,
        transformed: UnsafeMutablePointer<O>?,
        level: KernelISA.Level = KernelISA.current.level
    ) {
        guard rowCount > 0 else { return }
        let width = expandedWidth
        let small = MemoryLayout<T.Expanded>.stride * width <= 1024 && MemoryLayout<T>.stride * outputCount <= 1024
        if rowCount < Self.blockThreshold, small {
            withUnsafeTemporaryAllocation(of: T.Expanded.self, capacity: width) { expanded in
                withUnsafeTemporaryAllocation(of: T.self, capacity: outputCount) { acc in
                    predictRows(
                        rows,
                        rowCount: rowCount,
                        expanded: expanded.baseAddress,
                        acc: acc.baseAddress.unsafelyUnwrapped,
                        raw: raw,
                        transformed: transformed
                    )
                }
            }
            return
        }
        var expandedStorage = InlineArray<2048, T.Expanded>(repeating: T.expanded(0))
        var accStorage = InlineArray<512, T>(repeating: 0)
        var expandedSpan = expandedStorage.mutableSpan
        var accSpan = accStorage.mutableSpan
        expandedSpan.withUnsafeMutableBufferPointer { expandedScratch in
            accSpan.withUnsafeMutableBufferPointer { accScratch in
                let expanded = expandedScratch.baseAddress.unsafelyUnwrapped
                let acc = accScratch.baseAddress.unsafelyUnwrapped
                // Whole groups of eight rows.
                let blockRows = min(
                    Self.maxBlockRows,
                    expandedScratch.count / (8 * width) * 8,
                    accScratch.count / (8 * outputCount) * 8
                )
                if rowCount >= Self.blockThreshold, blockRows >= 8 {
                    predictBlocks(
                        rows,
                        rowCount: rowCount,
                        blockRows: blockRows,
                        kernel: blockKernel(at: level),
                        expanded: expanded,
                        acc: acc,
                        raw: raw,
                        transformed: transformed
                    )
                } else if outputCount <= accScratch.count {
                    predictRows(
                        rows,
                        rowCount: rowCount,
                        expanded: width <= expandedScratch.count ? expanded : nil,
                        acc: acc,
                        raw: raw,
                        transformed: transformed
                    )
                } else {
                    // More outputs than the scratch holds: a heap accumulator (extreme models only).
                    let heapAcc = UnsafeMutablePointer<T>.allocate(capacity: outputCount)
                    defer { heapAcc.deallocate() }
                    predictRows(
                        rows,
                        rowCount: rowCount,
                        expanded: width <= expandedScratch.count ? expanded : nil,
                        acc: heapAcc,
                        raw: raw,
                        transformed: transformed
                    )
                }
            }
        }
    }

    /// Row-at-a-time prediction; `expanded` (``expandedWidth`` slots) may be nil for
    /// unexpanded stepping.
    @inline(__always)
    private func predictRows<I: TreeScalar, O: TreeScalar>(
        _ rows: UnsafePointer<I>,
        rowCount: Int,
        expanded: UnsafeMutablePointer<T.Expanded>?,
        acc: UnsafeMutablePointer<T>,
        raw: UnsafeMutablePointer<O>?,
        transformed: UnsafeMutablePointer<O>?
    ) {
        let width = outputCount
        for row in 0..<rowCount {
            let x = rows + row * featureCount
            if let expanded { expand(x, into: expanded, spacing: 1) }
            startRow(acc)
            accumulate(row: x, expanded: expanded.map { UnsafePointer($0) }, into: acc)
            let offset = row * width
            finalize(acc, raw: raw.map { $0 + offset }, transformed: transformed.map { $0 + offset })
        }
    }

    /// Block prediction: `expanded` holds `blockRows` expanded rows (interleaved groups of
    /// eight), `acc` their accumulators.
    private func predictBlocks<I: TreeScalar, O: TreeScalar>(
        _ rows: UnsafePointer<I>,
        rowCount: Int,
        blockRows: Int,
        kernel: TreeBlockKernel,
        expanded: UnsafeMutablePointer<T.Expanded>,
        acc: UnsafeMutablePointer<T>,
        raw: UnsafeMutablePointer<O>?,
        transformed: UnsafeMutablePointer<O>?
    ) {
        let width = outputCount
        let groupStride = expandedWidth * 8
        var start = 0
        while start < rowCount {
            let count = min(blockRows, rowCount - start)
            let x = rows + start * featureCount
            for row in 0..<(count + 7) & ~7 {
                // Pad a short last group with copies of its last row; their leaves are not used.
                let source = x + min(row, count - 1) * featureCount
                expand(source, into: expanded + (row &>> 3) * groupStride + (row & 7), spacing: 8)
            }
            for row in 0..<count { startRow(acc + row * width) }
            switch kernel {
            case .swift: accumulate(block: x, expanded: expanded, rowCount: count, into: acc)
            case .avx512: accumulateVector(expanded: expanded, rowCount: count, into: acc)
            }
            for row in 0..<count {
                let offset = (start + row) * width
                finalize(acc + row * width, raw: raw.map { $0 + offset }, transformed: transformed.map { $0 + offset })
            }
            start += count
        }
    }
}
