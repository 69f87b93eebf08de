/// The batch-size-independent part of one ``GraphOp/scan(_:)`` node: its body compiled once as a
/// program of its own, and the slot of the scratch context that runs it.
///
/// The body is simplified first: a body output computed by an `identity` of another body value
/// becomes that value (so a state the body passes through unchanged costs nothing per iteration).
final class ScanProgram: Sendable {
    /// The scan's attributes (counts, axes, directions).
    let scan: GraphOp.Scan
    /// The simplified body, compiled.
    let body: ExecutionProgram
    /// The index of the nested context that runs the body (see ``ExecutionContext/scanContext(_:_:)``).
    let slot: Int
    /// A fused loop equivalent to the body, when the body is one it recognises and fusion is on.
    let fused: ScanDistancePattern?

    init(scan: GraphOp.Scan, slot: Int, depth: Int, pool: WorkerPool?, fuse: Bool) throws {
        self.scan = scan
        self.slot = slot
        let simplified = Self.simplify(scan.body)
        body = try ExecutionProgram(graph: simplified, pool: pool, depth: depth + 1, fuse: fuse)
        fused = fuse ? ScanDistancePattern(scan: scan, body: simplified) : nil
    }

    /// `body` with outputs computed by `identity` nodes replaced by the identities' sources
    /// (when that source is not itself an output), and identities nothing reads any more removed.
    static func simplify(_ body: ModelGraph) -> ModelGraph {
        var graph = body
        var producer: [String: Int] = [:]
        for (n, node) in graph.nodes.enumerated() {
            for name in node.outputs { producer[name] = n }
        }
        var outputNames = Set(graph.outputs.map(\.name))
        for j in graph.outputs.indices {
            let name = graph.outputs[j].name
            guard let n = producer[name], case .identity = graph.nodes[n].op,
                let source = graph.nodes[n].inputs.first, !source.isEmpty, !outputNames.contains(source)
            else { continue }
            outputNames.remove(name)
            outputNames.insert(source)
            graph.outputs[j].name = source
        }
        var read = outputNames
        for node in graph.nodes { read.formUnion(node.inputs) }
        graph.nodes.removeAll { node in
            guard case .identity = node.op else { return false }
            return node.outputs.allSatisfy { !read.contains($0) }
        }
        return graph
    }
}
