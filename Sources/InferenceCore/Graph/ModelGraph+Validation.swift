import MLOpsCore

extension ModelGraph {
    /// Checks the graph and throws the first problem found.
    ///
    /// Checks names (no empty or duplicate producers, no dangling references), op arity,
    /// cycles, and — by inferring every tensor's type and shape at two batch sizes — element
    /// types, shapes and the declared outputs. Unused inputs and initialisers are allowed.
    ///
    /// Every size is computed with overflow-checked arithmetic: a tensor whose size cannot be
    /// represented (e.g. an input declared `[N, 2^31, 2^31, 2^31]`) is rejected with
    /// `limitExceeded`. The policy bounds of ``CompileOptions`` (elements per row, arena bytes)
    /// are applied by ``compile(options:)``, not here.
    ///
    /// - Throws: `MLOpsError` (`invalidArgument`, or `limitExceeded` for a size that overflows)
    ///   whose message names the node (and op) and whose value is the tensor at fault.
    public func validate() throws {
        let structure = try GraphStructure(self)
        _ = try structure.specs(batch: 1)
        _ = try structure.specs(batch: 2)
    }
}
