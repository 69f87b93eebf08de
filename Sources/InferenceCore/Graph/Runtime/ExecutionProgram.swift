/// The batch-size-independent part of a compiled model: the optimised graph, its structure,
/// constants copied into aligned memory, and weights pre-packed for the GEMM kernels.
final class ExecutionProgram: Sendable {
    /// The optimised graph the program runs.
    let graph: ModelGraph
    /// Its checked structure (value numbering, topological order).
    let structure: GraphStructure
    /// Owner of constant and packed memory.
    let store: ConstantStore
    /// Constant numeric/bool tensors by value index.
    let constantPointers: [Int: SharedPointer]
    /// Constant string tensors by value index.
    let constantStrings: [Int: [String]]
    /// Pre-packed GEMM weights by node index (in ``graph``).
    let packedGemms: [Int: PackedGemm]
    /// Value index of each graph input and output.
    let inputValues: [Int]
    let outputValues: [Int]
    /// The threads large products may use.
    let pool: WorkerPool?
    /// The compiled body of each scan node, by node index.
    let scans: [Int: ScanProgram]
    /// The number of scan nodes (each runs its body on a nested context of its own).
    let scanSlotCount: Int

    var valueCount: Int { structure.names.count }

    /// Compiles `graph`; `depth` is its nesting level (1 for a model's graph, 2 for a scan body);
    /// `fuse` lets scans whose body a fused step recognises run as that step.
    init(graph: ModelGraph, pool: WorkerPool?, depth: Int = 1, fuse: Bool = true) throws {
        self.pool = pool
        let structure = try GraphStructure(graph, depth: depth)
        self.graph = graph
        self.structure = structure
        let store = ConstantStore()
        var pointers: [Int: SharedPointer] = [:]
        var strings: [Int: [String]] = [:]
        for (name, tensor) in graph.initializers {
            guard let v = structure.index[name] else { continue }
            if case .string(let s) = tensor.storage {
                strings[v] = s
            } else {
                pointers[v] = SharedPointer(pointer: store.copy(tensor))
            }
        }
        var packed: [Int: PackedGemm] = [:]
        for (n, node) in graph.nodes.enumerated() {
            guard case .gemm(let g) = node.op, let b = graph.initializers[node.inputs[1]],
                case .float32(let bv) = b.storage, b.shape.count == 2
            else { continue }
            var bias: Tensor?
            if node.inputs.count > 2, !node.inputs[2].isEmpty { bias = graph.initializers[node.inputs[2]] }
            packed[n] = PackedGemm(
                b: bv, rows: b.shape[0], cols: b.shape[1], transB: g.transB, alpha: g.alpha,
                c: bias, beta: g.beta, store: store)
        }
        var scans: [Int: ScanProgram] = [:]
        for (n, node) in graph.nodes.enumerated() {
            guard case .scan(let scan) = node.op else { continue }
            scans[n] = try ScanProgram(scan: scan, slot: scans.count, depth: depth, pool: pool, fuse: fuse)
        }
        self.scans = scans
        self.scanSlotCount = scans.count
        self.store = store
        self.constantPointers = pointers
        self.constantStrings = strings
        self.packedGemms = packed
        self.inputValues = graph.inputs.map { structure.index[$0.name] ?? 0 }
        self.outputValues = structure.outputs
    }
}
