public import InferenceCore
import MLOpsCore

/// Builds an InferenceCore `ModelGraph` step by step: preprocessing steps and an estimator each
/// append their nodes, reading the value the previous step produced.
///
/// ```swift
/// var builder = GraphBuilder()
/// let input = builder.input(name: "features", elementType: .float32, width: 4)
/// let scaled = builder.add(
///     .scaler(.init(offset: mean, scale: inverseStd)), inputs: [input.name],
///     output: (.float32, 4), hint: "scaled")
/// let outputs = try fitted.export(into: &builder, input: scaled)
/// let graph = try builder.finish(name: "model", input: input, outputs: outputs, task: fitted.task)
/// ```
///
/// Value and node names are unique: each ``add(_:inputs:output:hint:)`` makes a fresh name from
/// its hint. `prediction`, `probability` and `label` are kept for the graph's outputs.
public struct GraphBuilder: Sendable {
    /// The nodes added so far.
    public private(set) var nodes: [GraphNode] = []
    /// The constant tensors added so far, by name.
    public private(set) var initializers: [String: Tensor] = [:]
    /// Names taken; the graph outputs' names are kept for ``finish(name:input:outputs:task:)``.
    private var used: Set<String> = ["prediction", "probability", "label"]

    /// An empty builder.
    public init() {}

    /// Declares the graph's input, [N, `width`], named `name` or a fresh name from it.
    public mutating func input(name: String = "features", elementType: ElementType, width: Int) -> GraphValue {
        GraphValue(name: freshName(name), elementType: elementType, width: width)
    }

    /// A fresh name starting with `hint`.
    public mutating func freshName(_ hint: String) -> String {
        var name = hint
        var counter = 1
        while used.contains(name) {
            name = "\(hint)_\(counter)"
            counter += 1
        }
        used.insert(name)
        return name
    }

    /// Adds a constant tensor and returns its name.
    public mutating func constant(_ tensor: Tensor, hint: String) -> String {
        let name = freshName(hint)
        initializers[name] = tensor
        return name
    }

    /// Adds a node of `op` reading `inputs`, with one output of the given element type and width.
    @discardableResult
    public mutating func add(
        _ op: GraphOp, inputs: [String], output: (elementType: ElementType, width: Int), hint: String
    ) -> GraphValue {
        let name = freshName(hint)
        nodes.append(GraphNode(name: freshName(hint + "_node"), op: op, inputs: inputs, outputs: [name]))
        return GraphValue(name: name, elementType: output.elementType, width: output.width)
    }

    /// Adds a node of `op` with several outputs, named from `hints`; the caller knows their types.
    public mutating func add(_ op: GraphOp, inputs: [String], outputHints: [String], hint: String) -> [String] {
        let names = outputHints.map { freshName($0) }
        nodes.append(GraphNode(name: freshName(hint + "_node"), op: op, inputs: inputs, outputs: names))
        return names
    }

    /// Finishes the graph: its input is `input`, and `outputs` become the graph outputs named as
    /// `Model`'s table columns (see ``ExportedOutputs``).
    ///
    /// - Throws: `MLOpsError` `invalidArgument` when `outputs` lacks the value `task` needs, or
    ///   a binary model's probabilities do not have two columns.
    public mutating func finish(
        name: String, input: GraphValue, outputs: ExportedOutputs, task: TrainingTask
    ) throws -> ModelGraph {
        var graphOutputs: [ValueInfo] = []
        switch task {
        case .regression:
            guard let prediction = outputs.prediction else {
                throw MLOpsError(.invalidArgument, "a regressor's export has no prediction", value: name)
            }
            let final = "prediction"
            nodes.append(
                GraphNode(
                    name: freshName("prediction_rows"), op: .reshape(shape: [0]), inputs: [prediction.name],
                    outputs: [final]))
            graphOutputs.append(ValueInfo(name: final, elementType: prediction.elementType, shape: [.batch]))
        case .binary, .multiclass:
            guard let probabilities = outputs.probabilities, probabilities.width >= 2,
                task == .multiclass || probabilities.width == 2
            else {
                throw MLOpsError(
                    .invalidArgument, "a classifier's export needs the probability of every class", value: name)
            }
            let probability = "probability"
            if task == .binary {
                let index = constant(try Tensor(shape: [1], int64: [1]), hint: "positive_class")
                let column = add(
                    .arrayFeatureExtractor, inputs: [probabilities.name, index],
                    output: (probabilities.elementType, 1), hint: "positive_probability")
                nodes.append(
                    GraphNode(
                        name: freshName("probability_rows"), op: .reshape(shape: [0]), inputs: [column.name],
                        outputs: [probability]))
                graphOutputs.append(
                    ValueInfo(name: probability, elementType: probabilities.elementType, shape: [.batch]))
            } else {
                nodes.append(
                    GraphNode(
                        name: freshName("probability_out"), op: .identity, inputs: [probabilities.name],
                        outputs: [probability]))
                graphOutputs.append(
                    ValueInfo(
                        name: probability, elementType: probabilities.elementType,
                        shape: [.batch, .fixed(probabilities.width)]))
            }
            let label = "label"
            nodes.append(
                GraphNode(
                    name: freshName("label_argmax"), op: .argMax(.init(axis: 1, keepDims: false)),
                    inputs: [probabilities.name], outputs: [label]))
            graphOutputs.append(ValueInfo(name: label, elementType: .int64, shape: [.batch]))
        }
        let inputInfo = ValueInfo(
            name: input.name, elementType: input.elementType, shape: [.batch, .fixed(input.width)])
        return ModelGraph(
            name: name, inputs: [inputInfo], outputs: graphOutputs, initializers: initializers, nodes: nodes)
    }
}
