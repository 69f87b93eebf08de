import MLOpsCore

/// Builders for the errors graph validation and execution throw, so every message names
/// the node (and op) and the tensor at fault in the same way.
enum GraphError {
    /// An error about `node`, naming the op; `tensor` becomes the error's value.
    static func node(_ node: GraphNode, _ message: String, tensor: String? = nil) -> MLOpsError {
        MLOpsError(.invalidArgument, "Node '\(node.name)' (\(node.op.kindName)): \(message)", value: tensor)
    }

    /// An error about the graph as a whole.
    static func graph(_ message: String, value: String? = nil) -> MLOpsError {
        MLOpsError(.invalidArgument, message, value: value)
    }
}
