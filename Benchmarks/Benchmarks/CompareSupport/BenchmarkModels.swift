import InferenceCore
import MLOpsCore

/// The seeded models and inputs of the InferenceCore benchmarks (issue 3), built in Swift; shared by
/// InferenceBenchmarks and ServingCompare.
public enum BenchmarkModels {
    /// Layer widths of the MLP: 64 → 256 (ReLU) → 256 (ReLU) → 10 (softmax).
    public static let mlpWidths = [64, 256, 256, 10]
    /// Input columns of the GBDT.
    public static let gbdtFeatures = 20
    /// Trees in the GBDT.
    public static let gbdtTrees = 100
    /// Depth of every GBDT tree (all 2⁶ leaves present).
    public static let gbdtDepth = 6

    /// The MLP as the graph an ONNX exporter writes: MatMul + Add (+ Relu) per layer, then
    /// Softmax. Weights are N(0, 1/fan_in), biases N(0, 0.01²), from `seed`.
    public static func mlpGraph(seed: UInt64 = 0) throws -> ModelGraph {
        var random = SeededRandom(seed: seed)
        var initializers: [String: Tensor] = [:]
        var nodes: [GraphNode] = []
        var previous = "x"
        let layers = mlpWidths.count - 1
        for layer in 1...layers {
            let fanIn = mlpWidths[layer - 1]
            let fanOut = mlpWidths[layer]
            let scale = 1 / Double(fanIn).squareRoot()
            let weights = (0..<fanIn * fanOut).map { _ in Float(random.normal(standardDeviation: scale)) }
            let bias = (0..<fanOut).map { _ in Float(random.normal(standardDeviation: 0.01)) }
            initializers["W\(layer)"] = try Tensor(shape: [fanIn, fanOut], float32: weights)
            initializers["b\(layer)"] = try Tensor(shape: [fanOut], float32: bias)
            nodes.append(
                GraphNode(name: "mm\(layer)", op: .matMul, inputs: [previous, "W\(layer)"], outputs: ["mm\(layer)"]))
            nodes.append(
                GraphNode(name: "add\(layer)", op: .add, inputs: ["mm\(layer)", "b\(layer)"], outputs: ["z\(layer)"]))
            if layer < layers {
                nodes.append(GraphNode(name: "relu\(layer)", op: .relu, inputs: ["z\(layer)"], outputs: ["h\(layer)"]))
                previous = "h\(layer)"
            }
        }
        nodes.append(GraphNode(name: "softmax", op: .softmax(axis: 1), inputs: ["z\(layers)"], outputs: ["y"]))
        return ModelGraph(
            name: "mlp_64_256_256_10",
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [.batch, .fixed(mlpWidths[0])])],
            outputs: [ValueInfo(name: "y", elementType: .float32, shape: [.batch, .fixed(mlpWidths[layers])])],
            initializers: initializers, nodes: nodes)
    }

    /// A binary-logistic GBDT of ``gbdtTrees`` full trees of depth ``gbdtDepth`` with random
    /// splits (feature, threshold ~ N(0, 0.7²)) and leaves ~ N(0, 0.1²); XGBoost semantics
    /// (float32 `<`, NaN goes left).
    public static func gbdtEnsemble(seed: UInt64 = 1) throws -> TreeEnsemble {
        var random = SeededRandom(seed: seed)
        let branches = (1 << gbdtDepth) - 1
        let trees = (0..<gbdtTrees).map { _ in
            var nodes: [TreeEnsemble.Node] = []
            for index in 0..<(2 * branches + 1) {
                if index < branches {
                    nodes.append(
                        .branch(
                            feature: random.int(in: 0..<gbdtFeatures),
                            threshold: Double(Float(random.normal(standardDeviation: 0.7))), comparison: .lessThan,
                            trueChild: 2 * index + 1, falseChild: 2 * index + 2, missing: .nanTakesTrueBranch))
                } else {
                    nodes.append(.leaf(Double(Float(random.normal(standardDeviation: 0.1)))))
                }
            }
            return TreeEnsemble.Tree(nodes: nodes)
        }
        return try TreeEnsemble(
            trees: trees, featureCount: gbdtFeatures, precision: .float32, baseScores: [0],
            postTransform: .logistic, objective: "binary:logistic")
    }

    /// The GBDT wrapped in a one-node graph: `x` [N, 20] float32 → probability `p` [N, 1].
    public static func gbdtGraph(_ ensemble: TreeEnsemble) -> ModelGraph {
        ModelGraph(
            name: "gbdt_100x6",
            inputs: [ValueInfo(name: "x", elementType: .float32, shape: [.batch, .fixed(gbdtFeatures)])],
            outputs: [ValueInfo(name: "p", elementType: .float32, shape: [.batch, .fixed(1)])],
            nodes: [
                GraphNode(
                    name: "trees", op: .treeEnsemble(GraphOp.TreeEnsembleNode(ensemble: ensemble, outputs: [.scores])),
                    inputs: ["x"], outputs: ["p"])
            ])
    }

    /// `count` standard-normal floats from `seed`.
    public static func normals(_ count: Int, seed: UInt64) -> [Float] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in Float(random.normal()) }
    }
}
