import MLOpsCore

/// Builders for the errors graph validation and execution throw, so every message names
/// the node (and op) and the tensor at fault in the same way.
enum GraphError {
    /// An error about `node`, naming the op; `tensor` becomes the error's value.
    static func node(
        _ node: GraphNode, _ message: String, tensor: String? = nil, fileID: String = #fileID, line: Int = #line
    ) -> MLOpsError {
        MLOpsError(
            .invalidArgument, "Node '\(node.name)' (\(node.op.kindName)): \(message)", value: tensor, fileID: fileID,
            line: line)
    }

    /// An error about the graph as a whole.
    static func graph(_ message: String, value: String? = nil, fileID: String = #fileID, line: Int = #line)
        -> MLOpsError
    {
        MLOpsError(.invalidArgument, message, value: value, fileID: fileID, line: line)
    }
}
