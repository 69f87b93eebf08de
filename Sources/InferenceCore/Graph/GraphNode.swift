/// One operation of a ``ModelGraph``: an op, the tensors it reads and the tensors it writes.
///
/// Inputs and outputs are tensor names. Every name a node reads must be a graph input, an
/// initialiser, or the output of exactly one node. An empty input name marks an omitted
/// optional input (ONNX convention); it is only accepted where the op allows one.
public struct GraphNode: Sendable {
    /// A name for error messages; unique names help, but are not required.
    public var name: String
    /// The operation and its attributes.
    public var op: GraphOp
    /// The tensors read, in the op's order.
    public var inputs: [String]
    /// The tensors written, in the op's order.
    public var outputs: [String]

    /// Creates a node.
    public init(name: String, op: GraphOp, inputs: [String], outputs: [String]) {
        self.name = name
        self.op = op
        self.inputs = inputs
        self.outputs = outputs
    }
}
