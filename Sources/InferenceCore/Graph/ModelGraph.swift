/// A model as a small graph of ops over named tensors: the one IR every importer produces.
///
/// A graph has named, typed ``inputs`` and ``outputs``, constant tensors (``initializers``)
/// and ``nodes``. Tensor names live in one namespace: each is produced by exactly one of a
/// graph input, an initialiser, or a node output. Nodes may be listed in any order; the
/// compiler sorts them. Check a graph with ``validate()`` and turn it into a runnable plan
/// with ``compile(options:)``.
public struct ModelGraph: Sendable {
    /// A label for messages (e.g. the source file's graph name).
    public var name: String
    /// The inputs a caller supplies.
    public var inputs: [ValueInfo]
    /// The outputs a caller receives, in order.
    public var outputs: [ValueInfo]
    /// Constant tensors by name (weights, biases, shape constants, label tables).
    public var initializers: [String: Tensor]
    /// The operations.
    public var nodes: [GraphNode]

    /// Creates a graph.
    public init(
        name: String = "model", inputs: [ValueInfo], outputs: [ValueInfo],
        initializers: [String: Tensor] = [:], nodes: [GraphNode]
    ) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.initializers = initializers
        self.nodes = nodes
    }
}
