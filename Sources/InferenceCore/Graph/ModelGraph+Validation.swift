import MLOpsCore

extension ModelGraph {
    /// Checks the graph and throws the first problem found.
    ///
    /// Checks names (no empty or duplicate producers, no dangling references), op arity,
    /// cycles, and — by inferring every tensor's type and shape at two batch sizes — element
    /// types, shapes and the declared outputs. Unused inputs and initialisers are allowed.
    ///
    /// - Throws: ``MLOpsError`` (`invalidArgument`) whose message names the node (and op) and
    ///   whose value is the tensor at fault.
    public func validate() throws {
        let structure = try GraphStructure(self)
        _ = try structure.specs(batch: 1)
        _ = try structure.specs(batch: 2)
    }
}
