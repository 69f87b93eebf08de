import MLOpsCore

/// Writes a ``TreeEnsemble`` as compact little-endian node tables and reads it back, checking
/// every index and enum value (the ensemble's own initialiser then checks the tree structure).
///
/// Node record (24 bytes): kind u8 (0 branch, 1 leaf, 2 multi-leaf), comparison u8, missing
/// u8, padding u8, feature i32 (multi-leaf: target count), true child i32 (multi-leaf: first
/// target), false child i32, value f64 (threshold or leaf value). Target record (12 bytes):
/// output i32, weight f64. Tree record (8 bytes): node count i32, output i32.
enum TreeEnsembleCodec {
    static func encode(
        _ node: GraphOp.TreeEnsembleNode, labels: PackageGraphDocument.Labels?, weights: inout WeightWriter
    ) -> PackageGraphDocument.Tree {
        let e = node.ensemble
        let treeTable = weights.beginRecords()
        for tree in e.trees {
            weights.appendInteger(Int32(truncatingIfNeeded: tree.nodes.count))
            weights.appendInteger(Int32(truncatingIfNeeded: tree.output))
        }
        var targets: [TreeEnsemble.LeafTarget] = []
        var nodeCount = 0
        let nodeTable = weights.beginRecords()
        for tree in e.trees {
            for n in tree.nodes {
                nodeCount += 1
                switch n {
                case .branch(let b):
                    weights.appendByte(0)
                    weights.appendByte(comparisonCode(b.comparison))
                    weights.appendByte(missingCode(b.missing))
                    weights.appendByte(0)
                    weights.appendInteger(Int32(truncatingIfNeeded: b.feature))
                    weights.appendInteger(Int32(truncatingIfNeeded: b.trueChild))
                    weights.appendInteger(Int32(truncatingIfNeeded: b.falseChild))
                    weights.appendInteger(b.threshold.bitPattern)
                case .leaf(let v):
                    weights.appendInteger(UInt32(1))
                    weights.appendInteger(Int32(0))
                    weights.appendInteger(Int32(0))
                    weights.appendInteger(Int32(0))
                    weights.appendInteger(v.bitPattern)
                case .multiLeaf(let list):
                    weights.appendInteger(UInt32(2))
                    weights.appendInteger(Int32(truncatingIfNeeded: list.count))
                    weights.appendInteger(Int32(truncatingIfNeeded: targets.count))
                    weights.appendInteger(Int32(0))
                    weights.appendInteger(UInt64(0))
                    targets.append(contentsOf: list)
                }
            }
        }
        let targetTable = weights.beginRecords()
        for t in targets {
            weights.appendInteger(Int32(truncatingIfNeeded: t.output))
            weights.appendInteger(t.weight.bitPattern)
        }
        var aggregation = "sum"
        var divisor: Int?
        if case .average(let d) = e.aggregation {
            aggregation = "average"
            divisor = d
        }
        var transform = "none"
        var scale: Double?
        switch e.postTransform {
        case .none: transform = "none"
        case .logistic: transform = "logistic"
        case .scaledLogistic(let s):
            transform = "scaledLogistic"
            scale = s
        case .softmax: transform = "softmax"
        case .softmaxZero: transform = "softmaxZero"
        case .exponential: transform = "exponential"
        }
        return PackageGraphDocument.Tree(
            featureCount: e.featureCount, outputCount: e.outputCount, precision: e.precision.rawValue,
            baseScores: e.baseScores, baseScoreOrder: e.baseScoreOrder.rawValue, aggregation: aggregation,
            divisor: divisor, postTransform: transform, transformScale: scale, task: e.task.rawValue,
            featureNames: e.featureNames, objective: e.objective, treeTable: treeTable, treeCount: e.trees.count,
            nodeTable: nodeTable, nodeCount: nodeCount, targetTable: targetTable, targetCount: targets.count,
            outputs: node.outputs, labels: labels, scoreType: node.scoreType)
    }

    static func decode(
        _ r: PackageGraphDocument.Tree, what: String, weights: WeightReader, limits: ModelPackage.Limits,
        treeNodes: inout Int
    ) throws -> GraphOp.TreeEnsembleNode {
        guard r.treeCount >= 0, r.nodeCount >= 0, r.targetCount >= 0 else {
            throw PackageError.corrupt("\(what) has a negative count")
        }
        // `treeNodes` is at most the limit already; compare before adding so a hostile count cannot overflow.
        guard r.nodeCount <= limits.maxTreeNodes - min(treeNodes, limits.maxTreeNodes),
            r.targetCount <= limits.maxTreeNodes, r.treeCount <= limits.maxTreeNodes
        else {
            let nodes = ShapeBounds.sum(treeNodes, r.nodeCount) ?? Int.max
            throw PackageError.limit(
                "the tree node count", max(nodes, r.targetCount, r.treeCount), limits.maxTreeNodes)
        }
        treeNodes += r.nodeCount
        guard r.featureNames.count <= limits.maxElements, r.baseScores.count <= limits.maxElements else {
            throw PackageError.limit(
                "\(what) names or base scores", max(r.featureNames.count, r.baseScores.count), limits.maxElements)
        }
        for s in r.featureNames + [r.objective] { try PackageGraphCodec.checkString(s, limits) }
        var treesCursor = try weights.records(offset: r.treeTable, count: r.treeCount, size: 8, what: what)
        var nodesCursor = try weights.records(offset: r.nodeTable, count: r.nodeCount, size: 24, what: what)
        var targetsCursor = try weights.records(offset: r.targetTable, count: r.targetCount, size: 12, what: what)
        var targets: [TreeEnsemble.LeafTarget] = []
        targets.reserveCapacity(r.targetCount)
        for _ in 0..<r.targetCount {
            let output = Int(try targetsCursor.read(Int32.self))
            targets.append(TreeEnsemble.LeafTarget(output: output, weight: try targetsCursor.readDouble()))
        }
        var trees: [TreeEnsemble.Tree] = []
        trees.reserveCapacity(r.treeCount)
        var remaining = r.nodeCount
        for _ in 0..<r.treeCount {
            let count = Int(try treesCursor.read(Int32.self))
            let output = Int(try treesCursor.read(Int32.self))
            guard count >= 0, count <= remaining else {
                throw PackageError.corrupt("\(what) has a tree with \(count) nodes, more than the table holds")
            }
            remaining -= count
            var nodes: [TreeEnsemble.Node] = []
            nodes.reserveCapacity(count)
            for _ in 0..<count {
                let kind = try nodesCursor.read(UInt8.self)
                let comparison = try nodesCursor.read(UInt8.self)
                let missing = try nodesCursor.read(UInt8.self)
                _ = try nodesCursor.read(UInt8.self)
                let a = Int(try nodesCursor.read(Int32.self))
                let b = Int(try nodesCursor.read(Int32.self))
                let c = Int(try nodesCursor.read(Int32.self))
                let value = try nodesCursor.readDouble()
                switch kind {
                case 0:
                    nodes.append(
                        .branch(
                            feature: a, threshold: value, comparison: try self.comparison(comparison, what),
                            trueChild: b, falseChild: c, missing: try self.missing(missing, what)))
                case 1:
                    nodes.append(.leaf(value))
                case 2:
                    guard a >= 0, b >= 0, a <= targets.count - b else {
                        throw PackageError.corrupt("\(what) has a leaf whose targets lie outside the table")
                    }
                    nodes.append(.multiLeaf(Array(targets[b..<(b + a)])))
                default:
                    throw PackageError.corrupt("\(what) has a node of unknown kind \(kind)", value: String(kind))
                }
            }
            trees.append(TreeEnsemble.Tree(nodes: nodes, output: output))
        }
        guard remaining == 0 else { throw PackageError.corrupt("\(what) has node records no tree uses") }
        guard let precision = TreeEnsemble.Precision(rawValue: r.precision),
            let order = TreeEnsemble.BaseScoreOrder(rawValue: r.baseScoreOrder),
            let task = TreeEnsemble.Task(rawValue: r.task)
        else { throw PackageError.corrupt("\(what) has an unknown precision, base score order or task") }
        let aggregation: TreeEnsemble.Aggregation
        switch r.aggregation {
        case "sum": aggregation = .sum
        case "average": aggregation = .average(divisor: try r.divisor.orCorrupt(what))
        default: throw PackageError.corrupt("\(what) has an unknown aggregation", value: r.aggregation)
        }
        let transform: TreeEnsemble.PostTransform
        switch r.postTransform {
        case "none": transform = .none
        case "logistic": transform = .logistic
        case "scaledLogistic": transform = .scaledLogistic(try r.transformScale.orCorrupt(what))
        case "softmax": transform = .softmax
        case "softmaxZero": transform = .softmaxZero
        case "exponential": transform = .exponential
        default: throw PackageError.corrupt("\(what) has an unknown post-transform", value: r.postTransform)
        }
        let ensemble: TreeEnsemble
        do {
            ensemble = try TreeEnsemble(
                trees: trees, featureCount: r.featureCount, outputCount: r.outputCount, precision: precision,
                baseScores: r.baseScores, baseScoreOrder: order, aggregation: aggregation, postTransform: transform,
                task: task, featureNames: r.featureNames, objective: r.objective,
                limits: TreeEnsemble.Limits(maxTotalNodes: limits.maxTreeNodes))
        } catch let error as MLOpsError where error.code == .invalidArgument {
            throw PackageError.corrupt("\(what) describes an invalid ensemble (\(error.message))")
        }
        let labels = try r.labels.map {
            try PackageGraphCodec.labels($0, what: what, weights: weights, limits: limits)
        }
        return GraphOp.TreeEnsembleNode(ensemble: ensemble, outputs: r.outputs, labels: labels, scoreType: r.scoreType)
    }

    private static func comparisonCode(_ c: TreeEnsemble.Comparison) -> UInt8 {
        switch c {
        case .lessThan: 0
        case .lessOrEqual: 1
        case .greaterOrEqual: 2
        case .greaterThan: 3
        case .equal: 4
        case .notEqual: 5
        }
    }

    private static func comparison(_ code: UInt8, _ what: String) throws -> TreeEnsemble.Comparison {
        switch code {
        case 0: .lessThan
        case 1: .lessOrEqual
        case 2: .greaterOrEqual
        case 3: .greaterThan
        case 4: .equal
        case 5: .notEqual
        default: throw PackageError.corrupt("\(what) has an unknown comparison \(code)", value: String(code))
        }
    }

    private static func missingCode(_ m: TreeEnsemble.MissingValues) -> UInt8 {
        switch m {
        case .nanTakesTrueBranch: 0
        case .nanTakesFalseBranch: 1
        case .nanAsZero: 2
        case .zeroOrNaNTakesTrueBranch: 3
        case .zeroOrNaNTakesFalseBranch: 4
        }
    }

    private static func missing(_ code: UInt8, _ what: String) throws -> TreeEnsemble.MissingValues {
        switch code {
        case 0: .nanTakesTrueBranch
        case 1: .nanTakesFalseBranch
        case 2: .nanAsZero
        case 3: .zeroOrNaNTakesTrueBranch
        case 4: .zeroOrNaNTakesFalseBranch
        default: throw PackageError.corrupt("\(what) has an unknown missing-value rule \(code)", value: String(code))
        }
    }
}
