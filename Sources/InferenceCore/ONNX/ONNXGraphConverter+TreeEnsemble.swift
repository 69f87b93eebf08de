import MLOpsCore

extension ONNXGraphConverter {
    /// What an ONNX `TreeEnsembleRegressor`/`TreeEnsembleClassifier` node converts to.
    struct ConvertedTreeEnsemble {
        /// The validated ensemble.
        var ensemble: TreeEnsemble
        /// The class labels (classifiers only).
        var labels: GraphOp.ClassLabels?
    }

    private static let nodeAttributes: Set<String> = [
        "nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_values_as_tensor", "nodes_modes",
        "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true", "nodes_hitrates",
        "nodes_hitrates_as_tensor", "post_transform", "base_values", "base_values_as_tensor",
    ]

    /// Converts a tree-ensemble node and appends it.
    mutating func convertTreeEnsemble(_ c: ONNXNodeContext) throws {
        let isClassifier = c.node.opType == "TreeEnsembleClassifier"
        var known = Self.nodeAttributes
        if isClassifier {
            known.formUnion([
                "class_treeids", "class_nodeids", "class_ids", "class_weights", "class_weights_as_tensor",
                "classlabels_int64s", "classlabels_strings",
            ])
        } else {
            known.formUnion([
                "target_treeids", "target_nodeids", "target_ids", "target_weights", "target_weights_as_tensor",
                "n_targets", "aggregate_function",
            ])
        }
        try c.checkAttributes(known)
        try c.requireInputs(1)
        try c.requireOutputs(1, isClassifier ? 2 : 1)
        let converted = try makeTreeEnsemble(c, isClassifier: isClassifier)
        try emitTreeEnsemble(c, converted, isClassifier: isClassifier)
    }

    /// Builds the ``TreeEnsemble`` described by the node's attributes, reproducing onnxruntime.
    func makeTreeEnsemble(_ c: ONNXNodeContext, isClassifier: Bool) throws -> ConvertedTreeEnsemble {
        let prefix = isClassifier ? "class" : "target"

        // Double-precision variants (ml opset 3): any of them switches the ensemble to Double.
        let doubleValued = try ["nodes_values", "\(prefix)_weights", "base_values"].contains {
            try c.tensor("\($0)_as_tensor") != nil
        }
        func values(_ name: String) throws -> [Double] {
            let floats = try c.floats(name)
            guard let tensor = try c.tensor("\(name)_as_tensor") else { return floats.map { Double($0) } }
            guard floats.isEmpty else {
                throw c.invalid("both '\(name)' and '\(name)_as_tensor' are set; use one.", value: name)
            }
            let converted = try tensor.makeTensor()
            guard converted.elementType.isFloatingPoint, converted.shape.count <= 1 else {
                throw c.invalid("'\(name)_as_tensor' must be a 1-D floating-point tensor.", value: "\(name)_as_tensor")
            }
            return converted.doubleValues
        }

        // Nodes.
        let treeIDs = try c.ints("nodes_treeids")
        let nodeIDs = try c.ints("nodes_nodeids")
        let featureIDs = try c.ints("nodes_featureids")
        let thresholds = try values("nodes_values")
        let modes = try c.strings("nodes_modes")
        let trueIDs = try c.ints("nodes_truenodeids")
        let falseIDs = try c.ints("nodes_falsenodeids")
        let missingTracksTrue = try c.ints("nodes_missing_value_tracks_true")
        let count = nodeIDs.count
        guard count > 0 else { throw c.invalid("the ensemble has no nodes.", value: "nodes_nodeids") }
        for (name, length) in [
            ("nodes_treeids", treeIDs.count), ("nodes_featureids", featureIDs.count),
            ("nodes_values", thresholds.count),
            ("nodes_modes", modes.count), ("nodes_truenodeids", trueIDs.count), ("nodes_falsenodeids", falseIDs.count),
        ] where length != count {
            throw c.invalid("'\(name)' has \(length) entries but 'nodes_nodeids' has \(count).", value: name)
        }
        guard missingTracksTrue.isEmpty || missingTracksTrue.count == count else {
            throw c.invalid(
                "'nodes_missing_value_tracks_true' has \(missingTracksTrue.count) entries for \(count) nodes.",
                value: "nodes_missing_value_tracks_true")
        }

        // Trees in ascending tree id; within a tree, node id -> position in the attribute arrays.
        var positionsByTree: [Int64: [Int]] = [:]
        for (position, tree) in treeIDs.enumerated() { positionsByTree[tree, default: []].append(position) }
        guard positionsByTree.count <= options.treeLimits.maxTrees else {
            throw MLOpsError(
                .limitExceeded, "\(c.label): \(positionsByTree.count) trees exceed the limit.",
                value: String(positionsByTree.count))
        }
        let treeOrder = positionsByTree.keys.sorted()
        struct NodeKey: Hashable {
            var tree: Int64
            var node: Int64
        }
        var positionOf: [NodeKey: Int] = [:]
        positionOf.reserveCapacity(count)
        for position in 0..<count {
            let key = NodeKey(tree: treeIDs[position], node: nodeIDs[position])
            guard positionOf.updateValue(position, forKey: key) == nil else {
                throw c.invalid(
                    "tree \(key.tree) lists node id \(key.node) twice.", value: "nodes_nodeids")
            }
        }

        // Leaf weights.
        let weightTrees = try c.ints("\(prefix)_treeids")
        let weightNodes = try c.ints("\(prefix)_nodeids")
        let weightOutputs = try c.ints("\(prefix)_ids")
        let weights = try values("\(prefix)_weights")
        for (name, length) in [
            ("\(prefix)_nodeids", weightNodes.count), ("\(prefix)_ids", weightOutputs.count),
            ("\(prefix)_weights", weights.count),
        ] where length != weightTrees.count {
            throw c.invalid(
                "'\(name)' has \(length) entries but '\(prefix)_treeids' has \(weightTrees.count).", value: name)
        }

        // Outputs, labels and the binary-classifier layout.
        var outputCount: Int
        var labels: GraphOp.ClassLabels?
        var task: TreeEnsemble.Task
        let onnxTransform = try postTransform(c)
        var transform: TreeEnsemble.PostTransform
        let baseValues = try values("base_values")
        let baseScores = baseValues
        var aggregation = TreeEnsemble.Aggregation.sum
        if isClassifier {
            let classLabels = try classLabels(c, ints: "classlabels_int64s", strings: "classlabels_strings")
            labels = classLabels
            let classes = classLabels.count
            let distinctIDs = Set(weightOutputs)
            if classes == 2 && distinctIDs.count <= 1 && distinctIDs.allSatisfy({ $0 == 0 }) {
                // onnxruntime's binary case: one score s; see `ir-requests`/GraphOp docs for the outputs.
                outputCount = 1
                task = .binaryClassification
                let allNonNegative = weights.allSatisfy { $0 >= 0 }
                switch (onnxTransform, allNonNegative) {
                case (.none, true): transform = .none
                case (.logistic, false): transform = .logistic
                case (.none, false), (.logistic, true):
                    throw c.unsupported(
                        "a binary tree classifier with post_transform \(onnxTransform == .none ? "NONE" : "LOGISTIC") "
                            + "and \(allNonNegative ? "only non-negative" : "negative") class weights has "
                            + "onnxruntime-specific scores ([-s, s] or an untransformed [1-s, s]) that are not supported.",
                        value: "post_transform")
                default:
                    throw c.unsupported(
                        "post_transform \(onnxTransform.rawValue) is not supported for a binary tree classifier "
                            + "(supported: NONE, LOGISTIC).",
                        value: "post_transform")
                }
                guard baseValues.count <= 1 else {
                    throw c.unsupported(
                        "a binary tree classifier with \(baseValues.count) base_values is not supported "
                            + "(onnxruntime ignores or mixes them); use one base value.",
                        value: "base_values")
                }
            } else if classes >= 3 || (classes == 2 && !distinctIDs.isEmpty) {
                guard classes >= 3 else {
                    throw c.unsupported(
                        "a two-class tree classifier with class_ids for both classes has onnxruntime-specific "
                            + "scores that are not supported; write all weights to class 0 (skl2onnx's layout).",
                        value: "class_ids")
                }
                outputCount = classes
                task = .multiclassClassification
                transform = try treeTransform(c, onnxTransform)
                guard baseValues.isEmpty || baseValues.count == classes else {
                    throw c.invalid(
                        "base_values has \(baseValues.count) values for \(classes) classes.", value: "base_values")
                }
            } else {
                throw c.unsupported("a tree classifier needs at least two class labels.", value: "classlabels_int64s")
            }
        } else {
            let declared = try c.int("n_targets", default: 0, in: 0...options.treeLimits.maxOutputs)
            if declared > 0 {
                outputCount = declared
            } else {
                let largest = weightOutputs.max() ?? 0
                guard largest >= 0, largest < Int64(options.treeLimits.maxOutputs) else {
                    throw c.invalid(
                        "target id \(largest) is out of range and 'n_targets' is not set.", value: "target_ids")
                }
                outputCount = Int(largest) + 1
            }
            task = .regression
            switch try c.string("aggregate_function", default: "SUM") {
            case "SUM": aggregation = .sum
            case "AVERAGE": aggregation = .average(divisor: max(treeOrder.count, 1))
            case let other:
                throw c.unsupported(
                    "aggregate_function '\(other)' is not supported (SUM, AVERAGE).", value: "aggregate_function")
            }
            if outputCount == 1 && onnxTransform != .none {
                throw c.unsupported(
                    "post_transform \(onnxTransform.rawValue) on a single-target regressor is not supported "
                        + "(onnxruntime applies only PROBIT there).",
                    value: "post_transform")
            }
            transform = try treeTransform(c, onnxTransform)
            guard baseValues.isEmpty || baseValues.count == outputCount else {
                throw c.invalid(
                    "base_values has \(baseValues.count) values for \(outputCount) targets.", value: "base_values")
            }
        }

        var leafWeights: [Int: [TreeEnsemble.LeafTarget]] = [:]
        for k in 0..<weightTrees.count {
            guard let position = positionOf[NodeKey(tree: weightTrees[k], node: weightNodes[k])] else {
                throw c.invalid(
                    "weight #\(k) refers to node \(weightNodes[k]) of tree \(weightTrees[k]), which does not exist.",
                    value: "\(prefix)_nodeids")
            }
            guard weightOutputs[k] >= 0, weightOutputs[k] < Int64(outputCount) else {
                throw c.invalid(
                    "weight #\(k) is for output \(weightOutputs[k]) but there are \(outputCount).",
                    value: "\(prefix)_ids")
            }
            leafWeights[position, default: []].append(
                TreeEnsemble.LeafTarget(output: Int(weightOutputs[k]), weight: weights[k]))
        }

        // Trees.
        let precision: TreeEnsemble.Precision = doubleValued ? .float64 : .float32
        var maxFeature: Int64 = -1
        var trees: [TreeEnsemble.Tree] = []
        trees.reserveCapacity(treeOrder.count)
        for tree in treeOrder {
            let positions = positionsByTree[tree] ?? []
            let root = positionOf[NodeKey(tree: tree, node: 0)] ?? positions[0]
            var local: [Int: Int] = [root: 0]
            var ordered = [root]
            for position in positions where position != root {
                local[position] = ordered.count
                ordered.append(position)
            }
            var nodes: [TreeEnsemble.Node] = []
            nodes.reserveCapacity(ordered.count)
            for position in ordered {
                let mode = modes[position]
                if mode == "LEAF" {
                    let targets = leafWeights[position] ?? []
                    if outputCount == 1 {
                        nodes.append(.leaf(Self.sum(targets.map(\.weight), precision)))
                    } else {
                        nodes.append(.multiLeaf(targets))
                    }
                    continue
                }
                guard leafWeights[position] == nil else {
                    throw c.invalid(
                        "node \(nodeIDs[position]) of tree \(tree) is a branch but has leaf weights.",
                        value: "\(prefix)_nodeids")
                }
                let comparison: TreeEnsemble.Comparison
                switch mode {
                case "BRANCH_LEQ": comparison = .lessOrEqual
                case "BRANCH_LT": comparison = .lessThan
                case "BRANCH_GTE": comparison = .greaterOrEqual
                case "BRANCH_GT": comparison = .greaterThan
                case "BRANCH_EQ": comparison = .equal
                case "BRANCH_NEQ": comparison = .notEqual
                default:
                    throw c.unsupported(
                        "node mode '\(mode)' is not supported (BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, "
                            + "BRANCH_EQ, BRANCH_NEQ, LEAF).",
                        value: "nodes_modes")
                }
                func child(_ id: Int64, _ attribute: String) throws -> Int {
                    guard let target = positionOf[NodeKey(tree: tree, node: id)], let index = local[target] else {
                        throw c.invalid(
                            "node \(nodeIDs[position]) of tree \(tree) points to node \(id), which the tree does not have.",
                            value: attribute)
                    }
                    return index
                }
                let feature = featureIDs[position]
                guard feature >= 0, feature < Int64(options.treeLimits.maxFeatures) else {
                    throw c.invalid(
                        "node \(nodeIDs[position]) of tree \(tree) uses feature \(feature).", value: "nodes_featureids")
                }
                maxFeature = max(maxFeature, feature)
                let tracksTrue = missingTracksTrue.isEmpty ? false : missingTracksTrue[position] != 0
                nodes.append(
                    .branch(
                        feature: Int(feature), threshold: thresholds[position], comparison: comparison,
                        trueChild: try child(trueIDs[position], "nodes_truenodeids"),
                        falseChild: try child(falseIDs[position], "nodes_falsenodeids"),
                        missing: tracksTrue ? .nanTakesTrueBranch : .nanTakesFalseBranch))
            }
            trees.append(TreeEnsemble.Tree(nodes: nodes))
        }

        // The input width: the declared/inferred width of X when known, else the largest feature used.
        var featureCount = Int(maxFeature + 1)
        if let spec = try? inferredSpec(of: c.node.inputs[0]), let width = spec.shape.last, spec.shape.count == 2 {
            guard width >= featureCount else {
                throw c.invalid(
                    "the trees use feature \(maxFeature) but the input '\(c.node.inputs[0])' has \(width) columns.",
                    value: "nodes_featureids")
            }
            featureCount = width
        }

        let ensemble = try TreeEnsemble(
            trees: trees, featureCount: featureCount, outputCount: outputCount, precision: precision,
            baseScores: baseScores, baseScoreOrder: .afterAggregation, aggregation: aggregation,
            postTransform: transform, task: task, objective: "onnx:\(c.node.opType)", limits: options.treeLimits)
        return ConvertedTreeEnsemble(ensemble: ensemble, labels: labels)
    }

    /// Maps an ONNX post-transform onto the tree runtime's.
    private func treeTransform(
        _ c: ONNXNodeContext, _ transform: GraphOp.PostTransform
    ) throws -> TreeEnsemble.PostTransform {
        switch transform {
        case .none: return .none
        case .logistic: return .logistic
        case .softmax: return .softmax
        case .softmaxZero: return .softmaxZero
        case .probit:
            throw c.unsupported("post_transform PROBIT is not supported for tree ensembles.", value: "post_transform")
        }
    }

    /// Sums a leaf's weights in the ensemble's precision, in attribute order (as onnxruntime does).
    private static func sum(_ weights: [Double], _ precision: TreeEnsemble.Precision) -> Double {
        switch precision {
        case .float32:
            var total: Float = 0
            for weight in weights { total += Float(weight) }
            return Double(total)
        case .float64:
            return weights.reduce(0, +)
        }
    }

    /// Appends the graph node for a converted ensemble.
    private mutating func emitTreeEnsemble(
        _ c: ONNXNodeContext, _ converted: ConvertedTreeEnsemble, isClassifier: Bool
    ) throws {
        let kinds: [GraphOp.TreeEnsembleNode.Output] = isClassifier ? [.label, .scores] : [.scores]
        let count = isClassifier ? c.node.outputs.count : 1
        let op = GraphOp.TreeEnsembleNode(
            ensemble: converted.ensemble, outputs: Array(kinds.prefix(count)), labels: converted.labels,
            scoreType: .float32)
        emit(c, .treeEnsemble(op), inputs: [c.node.inputs[0]], outputs: outputNames(c, count: count))
    }
}
