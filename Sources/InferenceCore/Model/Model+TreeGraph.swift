extension Model {
    /// The name of a tree model's input.
    static let treeInputName = "features"

    /// A tree ensemble as a graph whose outputs are the columns ``Model/predict(_:)`` writes:
    /// one tree-ensemble node (scores in `float64`, so values are exactly the ensemble's), with
    /// [N, 1] results reshaped to [N].
    static func treeGraph(_ ensemble: TreeEnsemble) throws -> ModelGraph {
        let k = ensemble.outputCount
        let input = ValueInfo(
            name: treeInputName, elementType: .float64, shape: [.batch, .fixed(ensemble.featureCount)])
        var nodes: [GraphNode] = []
        var outputs: [ValueInfo] = []
        // Adds the node for `kinds`, named `names`, reshaping to [N] when `k == 1`.
        func add(_ kinds: [GraphOp.TreeEnsembleNode.Output], _ names: [String]) {
            let direct = k == 1 ? names.map { $0 + "_scores" } : names
            let node = GraphOp.TreeEnsembleNode(ensemble: ensemble, outputs: kinds, scoreType: .float64)
            nodes.append(GraphNode(name: "trees", op: .treeEnsemble(node), inputs: [treeInputName], outputs: direct))
            for (name, source) in zip(names, direct) {
                if k == 1 {
                    nodes.append(
                        GraphNode(name: "\(name)_rows", op: .reshape(shape: [0]), inputs: [source], outputs: [name]))
                    outputs.append(ValueInfo(name: name, elementType: .float64, shape: [.batch]))
                } else {
                    outputs.append(ValueInfo(name: name, elementType: .float64, shape: [.batch, .fixed(k)]))
                }
            }
        }
        switch ensemble.task {
        case .binaryClassification where k == 1:
            add([.scores, .margin], ["probability", "margin"])
        case .binaryClassification, .multiclassClassification:
            add([.scores], ["probability"])
        case .regression:
            add([.scores], ["prediction"])
        }
        return ModelGraph(name: "trees", inputs: [input], outputs: outputs, nodes: nodes)
    }
}
