import MLOpsCore

/// Validates ``TreeEnsemble/Tree`` descriptions and flattens them into ``CompiledTrees``.
///
/// Every tree is walked breadth-first from its root with a visited set, so a child index out of
/// range, a cycle or a shared subtree is reported instead of looping or trapping later. Trees
/// whose branches can all be rewritten into the canonical `x >= t` form go to the fast node
/// array; the rest keep their original comparisons in the general node array.
enum TreeEnsembleCompiler {
    /// What pass 1 learned about a tree.
    private struct TreeFacts {
        var depth: Int
        var nodeCount: Int
        var leafCount: Int
        var isFast: Bool
        /// The output all scalar leaves add to, or nil when the tree needs vector leaves.
        var scalarOutput: Int?
    }

    /// The canonical rewrite of a branch: right iff `x >= threshold` (or NaN and `nanRight`),
    /// or a branch that always goes one way.
    private struct Canonical<T: TreeScalar> {
        enum Kind {
            case compare(threshold: T, nanRight: Bool)
            case alwaysLeft
            case alwaysRight
        }

        var kind: Kind
        var left: Int
        var right: Int
    }

    /// LightGBM's `kZeroThreshold` (`1e-35f` widened to `Double`): values in `[-k, k]` are "zero".
    static let zeroBand = TreeEnsemble.lightGBMZeroThreshold

    static func compile<T: TreeScalar>(
        _ trees: [TreeEnsemble.Tree],
        featureCount: Int,
        outputCount: Int,
        baseScores: [Double],
        baseFirst: Bool,
        divisor: Int?,
        transform: TreeEnsemble.PostTransform,
        inputZeroBand: Double?,
        limits: TreeEnsemble.Limits,
        as _: T.Type
    ) throws -> CompiledTrees<T> {
        // Pass 1: validate every tree and decide its evaluator and leaf layout.
        var facts: [TreeFacts] = []
        facts.reserveCapacity(trees.count)
        var featureUsed = [Bool](repeating: false, count: featureCount)
        var totalNodes = 0
        for (index, tree) in trees.enumerated() {
            totalNodes += tree.nodes.count
            if totalNodes > limits.maxTotalNodes {
                throw MLOpsError(
                    .limitExceeded,
                    "The ensemble has more nodes than Limits.maxTotalNodes (\(limits.maxTotalNodes)); "
                        + "raise the limit if the model is genuine.",
                    value: String(totalNodes)
                )
            }
            facts.append(
                try inspect(
                    tree,
                    index: index,
                    featureCount: featureCount,
                    featureUsed: &featureUsed,
                    outputCount: outputCount,
                    limits: limits,
                    as: T.self
                )
            )
        }
        let layout: LeafLayout
        if facts.allSatisfy({ $0.scalarOutput != nil }) {
            layout = outputCount == 1 ? .single : .perTreeOutput
        } else {
            layout = .vector
            let leafCount = facts.reduce(0) { $0 + $1.leafCount }
            let (values, overflow) = leafCount.multipliedReportingOverflow(by: outputCount)
            guard !overflow, values <= limits.maxTotalNodes else {
                throw MLOpsError(
                    .limitExceeded,
                    "Multi-target leaves would need \(leafCount) x \(outputCount) values, more than "
                        + "Limits.maxTotalNodes (\(limits.maxTotalNodes)).",
                    value: String(leafCount)
                )
            }
        }

        // Expanded-row slots: used feature j reads slot j (NaN -> -inf) or U + j (NaN -> +inf).
        var usedFeatures: [Int32] = []
        var compactIndex = [UInt32](repeating: 0, count: featureCount)
        for (feature, used) in featureUsed.enumerated() where used {
            compactIndex[feature] = UInt32(usedFeatures.count)
            usedFeatures.append(Int32(feature))
        }
        let usedCount = UInt32(usedFeatures.count)
        let constantSlot = 2 * usedCount * 8
        let minusOne = T.thresholdBits(-1)
        let plusOne = T.thresholdBits(1)

        // Pass 2: emit.
        var nodes: [FastTreeNode] = []
        var nodeLeaf: [Int32] = []
        var general: [GeneralTreeNode<T>] = []
        var leafValues: [T] = []
        var compiled: [CompiledTree] = []
        compiled.reserveCapacity(trees.count)
        let leafWidth = layout == .vector ? outputCount : 1

        func emitLeaf(_ node: TreeEnsemble.Node, treeOutput: Int) -> Int32 {
            let leafIndex = Int32(leafValues.count / leafWidth)
            if layout == .vector {
                var dense = [Double](repeating: 0, count: outputCount)
                switch node {
                case .leaf(let value): dense[treeOutput] += value
                case .multiLeaf(let targets): for target in targets { dense[target.output] += target.weight }
                case .branch: break
                }
                for value in dense { leafValues.append(T(treeDouble: value)) }
            } else {
                var value = 0.0
                switch node {
                case .leaf(let leafValue): value = leafValue
                case .multiLeaf(let targets): for target in targets { value += target.weight }
                case .branch: break
                }
                leafValues.append(T(treeDouble: value))
            }
            return leafIndex
        }

        for (index, tree) in trees.enumerated() {
            let fact = facts[index]
            let output = fact.scalarOutput ?? tree.output
            if fact.isFast {
                let root = nodes.count
                var queue: [(source: Int, slot: Int)] = [(0, root)]
                nodes.append(FastTreeNode(threshold: minusOne, slot: constantSlot, child: Int32(root)))
                nodeLeaf.append(-1)
                var head = 0
                while head < queue.count {
                    let (source, slot) = queue[head]
                    head += 1
                    switch tree.nodes[source] {
                    case .branch(let branch):
                        // Pass 1 proved the rewrite exists.
                        guard let canonical = canonicalize(branch, as: T.self) else { continue }
                        let child = nodes.count
                        nodes.append(FastTreeNode(threshold: minusOne, slot: constantSlot, child: Int32(child)))
                        nodes.append(FastTreeNode(threshold: minusOne, slot: constantSlot, child: Int32(child + 1)))
                        nodeLeaf.append(-1)
                        nodeLeaf.append(-1)
                        let threshold: Int64
                        let readSlot: UInt32
                        switch canonical.kind {
                        case .compare(let value, let nanRight):
                            threshold = T.thresholdBits(value)
                            readSlot = (compactIndex[branch.feature] + (nanRight ? usedCount : 0)) * 8
                        case .alwaysLeft:
                            threshold = plusOne
                            readSlot = constantSlot
                        case .alwaysRight:
                            threshold = minusOne
                            readSlot = constantSlot
                        }
                        nodes[slot] = FastTreeNode(threshold: threshold, slot: readSlot, child: Int32(child))
                        queue.append((canonical.right, child))
                        queue.append((canonical.left, child + 1))
                    case .leaf, .multiLeaf:
                        nodes[slot] = FastTreeNode(threshold: minusOne, slot: constantSlot, child: Int32(slot))
                        nodeLeaf[slot] = emitLeaf(tree.nodes[source], treeOutput: output)
                    }
                }
                compiled.append(
                    CompiledTree(
                        root: Int32(root),
                        depth: Int32(fact.depth),
                        output: Int32(output),
                        isGeneral: false
                    )
                )
            } else {
                // General evaluator: breadth-first, leaves encoded as ~leafIndex.
                var slotOf = [Int32](repeating: 0, count: tree.nodes.count)
                var order: [Int] = [0]
                var head = 0
                while head < order.count {
                    let source = order[head]
                    head += 1
                    switch tree.nodes[source] {
                    case .branch(let branch):
                        slotOf[source] = Int32(general.count)
                        general.append(
                            GeneralTreeNode(
                                threshold: T(treeDouble: branch.threshold),
                                feature: UInt32(branch.feature),
                                comparison: comparisonCode(branch.comparison),
                                missing: missingCode(branch.missing),
                                trueNext: 0,
                                falseNext: 0
                            )
                        )
                        order.append(branch.trueChild)
                        order.append(branch.falseChild)
                    case .leaf, .multiLeaf:
                        slotOf[source] = ~emitLeaf(tree.nodes[source], treeOutput: output)
                    }
                }
                for source in order {
                    if case .branch(let branch) = tree.nodes[source] {
                        let slot = Int(slotOf[source])
                        general[slot].trueNext = slotOf[branch.trueChild]
                        general[slot].falseNext = slotOf[branch.falseChild]
                    }
                }
                compiled.append(
                    CompiledTree(
                        root: slotOf[0],
                        depth: Int32(fact.depth),
                        output: Int32(output),
                        isGeneral: true
                    )
                )
            }
        }

        // Groups: runs of fast trees, `groupWidth` at a time; each general tree alone.
        var groups: [TreeGroup] = []
        var tree = 0
        while tree < compiled.count {
            if compiled[tree].isGeneral {
                groups.append(TreeGroup(first: Int32(tree), count: 1, depth: 0, isGeneral: true))
                tree += 1
                continue
            }
            var end = tree
            var depth: Int32 = 0
            while end < compiled.count, end - tree < CompiledTrees<T>.groupWidth, !compiled[end].isGeneral {
                depth = max(depth, compiled[end].depth)
                end += 1
            }
            groups.append(
                TreeGroup(
                    first: Int32(tree),
                    count: Int32(end - tree),
                    depth: depth,
                    isGeneral: false
                )
            )
            tree = end
        }

        let base = baseScores.isEmpty ? [T](repeating: 0, count: outputCount) : baseScores.map { T(treeDouble: $0) }
        return CompiledTrees(
            nodes: nodes,
            nodeLeaf: nodeLeaf,
            general: general,
            leafValues: leafValues,
            trees: compiled,
            groups: groups,
            baseScores: base,
            usedFeatures: usedFeatures,
            layout: layout,
            featureCount: featureCount,
            outputCount: outputCount,
            baseFirst: baseFirst,
            hasBase: !baseScores.isEmpty,
            divisor: divisor.map { T(treeDouble: Double($0)) },
            transform: transform,
            inputZeroBand: inputZeroBand.map { T(treeDouble: $0) } ?? -1,
            reachableNodeCount: facts.reduce(0) { $0 + $1.nodeCount }
        )
    }

    /// Pass 1 for one tree: bounds, reachability, depth, evaluator and leaf layout.
    private static func inspect<T: TreeScalar>(
        _ tree: TreeEnsemble.Tree,
        index: Int,
        featureCount: Int,
        featureUsed: inout [Bool],
        outputCount: Int,
        limits: TreeEnsemble.Limits,
        as _: T.Type
    ) throws -> TreeFacts {
        let nodes = tree.nodes
        guard !nodes.isEmpty else {
            throw MLOpsError(.invalidArgument, "Tree \(index) has no nodes; a tree needs at least a root leaf.")
        }
        guard nodes.count <= limits.maxNodesPerTree else {
            throw MLOpsError(
                .limitExceeded,
                "Tree \(index) has more nodes than Limits.maxNodesPerTree (\(limits.maxNodesPerTree)).",
                value: String(nodes.count)
            )
        }
        guard tree.output >= 0, tree.output < outputCount else {
            throw MLOpsError(
                .invalidArgument,
                "Tree \(index) adds to output \(tree.output), but the ensemble has \(outputCount) output(s).",
                value: String(tree.output)
            )
        }
        var visited = [Bool](repeating: false, count: nodes.count)
        var depthOf = [Int32](repeating: 0, count: nodes.count)
        var queue: [Int] = [0]
        visited[0] = true
        var head = 0
        var maxDepth = 0
        var leafCount = 0
        var isFast = true
        // nil = not seen yet; .some(nil) = needs vector leaves.
        var scalarOutput: Int?? = nil

        func noteScalar(_ output: Int?) {
            switch scalarOutput {
            case .none: scalarOutput = .some(output)
            case .some(let previous): if previous != output { scalarOutput = .some(nil) }
            }
        }

        while head < queue.count {
            let current = queue[head]
            head += 1
            let depth = Int(depthOf[current])
            switch nodes[current] {
            case .branch(let branch):
                guard branch.feature >= 0, branch.feature < featureCount else {
                    throw MLOpsError(
                        .invalidArgument,
                        "Tree \(index), node \(current) splits on feature \(branch.feature), "
                            + "but the ensemble has \(featureCount) feature(s).",
                        value: String(branch.feature)
                    )
                }
                for child in ChildPair(branch.trueChild, branch.falseChild) {
                    guard child >= 0, child < nodes.count else {
                        throw MLOpsError(
                            .invalidArgument,
                            "Tree \(index), node \(current) has child \(child), outside the tree's "
                                + "\(nodes.count) node(s).",
                            value: String(child)
                        )
                    }
                    guard !visited[child] else {
                        throw MLOpsError(
                            .invalidArgument,
                            "Tree \(index): node \(child) is reached twice (from node \(current)); "
                                + "the child pointers form a cycle or share a subtree.",
                            value: String(child)
                        )
                    }
                    guard depth + 1 <= limits.maxDepth else {
                        throw MLOpsError(
                            .limitExceeded,
                            "Tree \(index) is deeper than Limits.maxDepth (\(limits.maxDepth)).",
                            value: String(depth + 1)
                        )
                    }
                    visited[child] = true
                    depthOf[child] = Int32(depth + 1)
                    queue.append(child)
                }
                featureUsed[branch.feature] = true
                if isFast, canonicalize(branch, as: T.self) == nil { isFast = false }
            case .leaf:
                maxDepth = max(maxDepth, depth)
                leafCount += 1
                noteScalar(tree.output)
            case .multiLeaf(let targets):
                maxDepth = max(maxDepth, depth)
                leafCount += 1
                var output: Int?
                var single = true
                for target in targets {
                    guard target.output >= 0, target.output < outputCount else {
                        throw MLOpsError(
                            .invalidArgument,
                            "Tree \(index), leaf \(current) adds to output \(target.output), "
                                + "but the ensemble has \(outputCount) output(s).",
                            value: String(target.output)
                        )
                    }
                    if let seen = output, seen != target.output { single = false }
                    output = target.output
                }
                if !single {
                    noteScalar(nil)
                } else if let output {
                    noteScalar(output)
                }
            }
        }
        let resolved: Int?
        switch scalarOutput {
        case .none: resolved = tree.output  // only empty multi-leaves
        case .some(let value): resolved = value
        }
        return TreeFacts(
            depth: maxDepth, nodeCount: queue.count, leafCount: leafCount, isFast: isFast, scalarOutput: resolved)
    }

    /// Rewrites a branch into "right iff `x >= t'`, NaN right iff `nanRight`", or returns nil
    /// when no such rewrite is exact (`==`, `!=`, a Zero band straddling the threshold) or when
    /// replacing NaN by `-inf`/`+inf` would not reproduce the NaN direction (`t'` NaN with NaN
    /// going right, `t'` `-inf` with NaN going left).
    private static func canonicalize<T: TreeScalar>(_ branch: TreeEnsemble.Branch, as _: T.Type) -> Canonical<T>? {
        let t = T(treeDouble: branch.threshold)
        let threshold: T
        let rightIsTrue: Bool
        switch branch.comparison {
        case .lessThan:
            // x < NaN is never true: always the false (right) branch.
            rightIsTrue = false
            threshold = t.isNaN ? -.infinity : t
        case .lessOrEqual:
            // x <= t  <=>  x < nextUp(t); x <= +inf is always true (never right).
            rightIsTrue = false
            threshold = t.isNaN ? -.infinity : (t == .infinity ? .nan : t.nextUp)
        case .greaterOrEqual:
            // x >= NaN is never true: never right, which a NaN threshold expresses.
            rightIsTrue = true
            threshold = t
        case .greaterThan:
            // x > t  <=>  x >= nextUp(t); x > +inf and x > NaN are never true.
            rightIsTrue = true
            threshold = (t.isNaN || t == .infinity) ? .nan : t.nextUp
        case .equal, .notEqual:
            return nil
        }
        let left = rightIsTrue ? branch.falseChild : branch.trueChild
        let right = rightIsTrue ? branch.trueChild : branch.falseChild
        let nanRight: Bool
        switch branch.missing {
        case .nanTakesTrueBranch:
            nanRight = rightIsTrue
        case .nanTakesFalseBranch:
            nanRight = !rightIsTrue
        case .nanAsZero:
            nanRight = 0 >= threshold
        case .zeroOrNaNTakesTrueBranch, .zeroOrNaNTakesFalseBranch:
            let defaultRight = (branch.missing == .zeroOrNaNTakesTrueBranch) == rightIsTrue
            let band = T(treeDouble: zeroBand)
            let allRight = threshold <= -band
            let noneRight = !(threshold <= band)
            if allRight && defaultRight {
                nanRight = true
            } else if noneRight && !defaultRight {
                nanRight = false
            } else {
                return nil
            }
        }
        // The kernels replace NaN by +inf (NaN right) or -inf (NaN left) and need a finite
        // threshold for the sign of `x - t` to be the comparison.
        if threshold.isFinite {
            return Canonical(kind: .compare(threshold: threshold, nanRight: nanRight), left: left, right: right)
        }
        if threshold.isNaN && !nanRight {
            return Canonical(kind: .alwaysLeft, left: left, right: right)
        }
        if threshold == -.infinity && nanRight {
            return Canonical(kind: .alwaysRight, left: left, right: right)
        }
        return nil
    }

    /// The two children of a branch as a sequence, without allocating an array.
    private struct ChildPair: Sequence, IteratorProtocol {
        private var values: (Int, Int)
        private var position = 0

        init(_ first: Int, _ second: Int) { values = (first, second) }

        mutating func next() -> Int? {
            defer { position += 1 }
            switch position {
            case 0: return values.0
            case 1: return values.1
            default: return nil
            }
        }
    }

    static func comparisonCode(_ comparison: TreeEnsemble.Comparison) -> UInt8 {
        switch comparison {
        case .lessThan: 0
        case .lessOrEqual: 1
        case .greaterOrEqual: 2
        case .greaterThan: 3
        case .equal: 4
        case .notEqual: 5
        }
    }

    static func missingCode(_ missing: TreeEnsemble.MissingValues) -> UInt8 {
        switch missing {
        case .nanTakesTrueBranch: 0
        case .nanTakesFalseBranch: 1
        case .nanAsZero: 2
        case .zeroOrNaNTakesTrueBranch: 3
        case .zeroOrNaNTakesFalseBranch: 4
        }
    }
}
