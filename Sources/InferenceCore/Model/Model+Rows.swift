import MLOpsCore

extension Model {
    /// Throws unless every output of `compiled` has one row per input row: its first dimension
    /// is the batch size and the rest of its shape does not depend on it.
    ///
    /// Found by shape inference at batch sizes 1, 2 and 3, before anything runs, so an output
    /// that grows with the batch in another way (e.g. `Add(X[N, 6], C[262144, 1, 1])`, shape
    /// [262144, N, 6], or an outer product [N, N]) is refused at load time instead of
    /// allocating hundreds of millions of values at predict time. Outputs per row are then
    /// bounded by ``CompileOptions/maxElementsPerRow`` for every batch size. A graph without a
    /// batch dimension has fixed shapes, bounded at compile time, and is not checked here.
    ///
    /// - Throws: `MLOpsError` `unsupported` naming the output and its shape (`N` marks the batch
    ///   dimension); `limitExceeded` for an output over the per-row bound.
    static func checkOneRowPerInputRow(_ graph: ModelGraph, _ compiled: CompiledModel) throws {
        let hasBatch = graph.inputs.contains { $0.shape?.contains(.batch) ?? false }
        // Without a batch dimension no shape depends on the rows, and every tensor is bounded by
        // the per-row limit at batch size 1; predict checks the row count against the outputs.
        guard hasBatch else { return }
        let batches = [1, 2, 3]
        let shapes = try batches.map { try compiled.inferredOutputShapes(batchSize: $0) }
        for (j, info) in graph.outputs.enumerated() {
            let perBatch = shapes.map { $0[j] }
            let symbolic = symbolicShape(perBatch, batches: batches)
            let rowwise = zip(perBatch, batches).allSatisfy { shape, batch in
                shape.first == batch && shape.dropFirst() == perBatch[0].dropFirst()
            }
            guard rowwise else { throw rowError(info.name, symbolic) }
        }
    }

    /// A shape inferred at several batch sizes as text, with `N` for a dimension equal to the
    /// batch size and `?` for one that changes with it otherwise, e.g. `[262144, N, 6]`.
    private static func symbolicShape(_ shapes: [[Int]], batches: [Int]) -> String {
        guard let first = shapes.first else { return "[]" }
        guard shapes.allSatisfy({ $0.count == first.count }) else {
            return shapes.map { "\($0)" }.joined(separator: " / ") + " at batch sizes \(batches)"
        }
        let dims = first.indices.map { axis -> String in
            let values = shapes.map { $0[axis] }
            if values == batches { return "N" }
            if values.allSatisfy({ $0 == values[0] }) { return String(values[0]) }
            return "?"
        }
        return "[" + dims.joined(separator: ", ") + "]"
    }

    private static func rowError(_ name: String, _ shape: String) -> MLOpsError {
        MLOpsError(
            .unsupported,
            "the model's output \(name) has shape \(shape): not one row per input row (its first dimension must be "
                + "the batch dimension N and the rest must not depend on N), so it cannot be predicted row by row",
            value: "\(name) \(shape)")
    }
}
