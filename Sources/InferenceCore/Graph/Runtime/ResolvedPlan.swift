import MLOpsCore

/// A program resolved for one batch size: every tensor's shape, arena offsets assigned by
/// liveness, and the steps to run.
final class ResolvedPlan: Sendable {
    /// The batch size the plan was resolved for.
    let batch: Int
    /// Concrete type of every tensor.
    let specs: [TensorSpec]
    /// Arena byte offset per tensor, or -1 when the tensor does not live in the arena.
    let offsets: [Int]
    /// Bytes of arena the plan needs (at most ``arenaLimit``).
    let arenaBytes: Int
    /// The most arena bytes a context may hold for this model (``CompileOptions/maxArenaBytes``).
    let arenaLimit: Int
    /// The steps, in execution order.
    let steps: [any ExecutionStep]
    /// The same steps in memory the plan owns, so the hot loop reads them in place.
    let stepStorage: StepStorage
    /// Expected byte count of each graph input.
    let inputByteCounts: [Int]
    /// Byte count and shape of each graph output.
    let outputByteCounts: [Int]
    let outputShapes: [[Int]]
    /// Whether each graph output can be written straight into a caller's buffer.
    let directOutputs: [Bool]
    /// Whether graph output 0 lives in the arena (rather than being an input or a constant).
    let firstOutputInArena: Bool
    /// When set, the plan runs as row chunks: it has no steps of its own, and its arena holds
    /// only the graph outputs (for callers that do not pass output buffers).
    let chunks: ChunkSchedule?

    /// Resolves `program` for `batch` rows; with `chunks`, a plan that runs as those chunks.
    ///
    /// - Parameter subgraphSpecs: For a scan body, every tensor's type (from
    ///   ``ScanShapeInference``); `batch` is then the enclosing plan's batch size.
    /// - Throws: `MLOpsError` (`limitExceeded`) before anything is allocated if a tensor's size
    ///   overflows or exceeds `maxElementsPerRow × batch`, or the arena would exceed `maxArenaBytes`.
    init(
        program: ExecutionProgram, batch: Int, maxElementsPerRow: Int, maxArenaBytes: Int,
        chunks: ChunkSchedule? = nil, subgraphSpecs: [TensorSpec]? = nil
    ) throws {
        let structure = program.structure
        let specs = try subgraphSpecs ?? structure.specs(batch: batch, maxElementsPerRow: max(1, maxElementsPerRow))
        let arenaLimit = min(max(1, maxArenaBytes), ShapeBounds.maxExtent)
        self.batch = batch
        self.specs = specs
        self.arenaLimit = arenaLimit
        self.chunks = chunks
        inputByteCounts = program.inputValues.map { specs[$0].count * specs[$0].elementType.byteCount }
        outputByteCounts = program.outputValues.map { specs[$0].count * specs[$0].elementType.byteCount }
        outputShapes = program.outputValues.map { specs[$0].shape }
        directOutputs = program.outputValues.map { v in
            if case .node = structure.producers[v] { return specs[v].elementType != .string }
            return false
        }
        if chunks != nil {
            // Only the outputs need a home; the chunks' plans hold everything else.
            var offsets = [Int](repeating: -1, count: specs.count)
            var total = 0
            for (j, v) in program.outputValues.enumerated() {
                let bytes = outputByteCounts[j]
                guard bytes <= arenaLimit - total else {
                    throw Self.arenaError(structure.names[v], total + bytes, batch: batch, limit: arenaLimit)
                }
                offsets[v] = total
                total += (bytes + 63) & ~63
            }
            self.offsets = offsets
            arenaBytes = min(total, arenaLimit)
            steps = []
            stepStorage = StepStorage([])
            firstOutputInArena = program.outputValues.first.map { offsets[$0] >= 0 } ?? false
            return
        }

        // Liveness: a tensor is born at its producing step and dies after its last reader;
        // graph outputs live to the end.
        let order = structure.order
        let count = specs.count
        var born = [Int](repeating: -1, count: count)
        var dies = [Int](repeating: -1, count: count)
        for (position, n) in order.enumerated() {
            for v in structure.nodeOutputs[n] { born[v] = position }
            for v in structure.nodeInputs[n].compactMap({ $0 }) { dies[v] = max(dies[v], position) }
        }
        for v in structure.outputs { dies[v] = order.count }
        var offsets = [Int](repeating: -1, count: count)
        var scratch = [Int](repeating: 0, count: program.graph.nodes.count)
        var live: [(offset: Int, end: Int, dies: Int)] = []
        var total = 0
        // Every size placed is at most `arenaLimit` ≤ 2^58 and every offset at most `total` ≤
        // `arenaLimit`, so these sums cannot overflow; the total is checked after each placement.
        func place(_ bytes: Int, dies: Int, name: String) throws -> Int {
            guard bytes <= arenaLimit else { throw Self.arenaError(name, bytes, batch: batch, limit: arenaLimit) }
            let size = (bytes + 63) & ~63
            live.sort { $0.offset < $1.offset }
            var offset = 0
            for block in live {
                if offset + size <= block.offset { break }
                offset = max(offset, block.end)
            }
            live.append((offset, offset + size, dies))
            total = max(total, offset + size)
            guard total <= arenaLimit else { throw Self.arenaError(name, total, batch: batch, limit: arenaLimit) }
            return offset
        }
        for (position, n) in order.enumerated() {
            live.removeAll { $0.dies < position }
            for v in structure.nodeOutputs[n] where specs[v].elementType != .string {
                // Sizes were checked by `specs`: count × 8 ≤ 2^61.
                offsets[v] = try place(
                    specs[v].count * specs[v].elementType.byteCount, dies: max(dies[v], position),
                    name: structure.names[v])
            }
            let node = program.graph.nodes[n]
            try Self.checkScratch(
                node: node, specs: specs, inputs: structure.nodeInputs[n], batch: batch, limit: arenaLimit)
            let scratchBytes = StepBuilder.scratchBytes(node: node, specs: specs, inputs: structure.nodeInputs[n])
            if scratchBytes > 0 {
                scratch[n] = try place(scratchBytes, dies: position, name: "scratch of '\(node.name)'")
            }
        }
        self.offsets = offsets
        self.arenaBytes = total

        var steps: [any ExecutionStep] = []
        steps.reserveCapacity(order.count)
        for n in order {
            let builder = StepBuilder(
                program: program, nodeIndex: n, node: program.graph.nodes[n],
                inputs: structure.nodeInputs[n], outputs: structure.nodeOutputs[n], specs: specs,
                scratchOffset: scratch[n], batch: batch, maxElementsPerRow: max(1, maxElementsPerRow),
                arenaLimit: arenaLimit)
            steps.append(try builder.build())
        }
        self.steps = steps
        stepStorage = StepStorage(steps)
        firstOutputInArena = program.outputValues.first.map { offsets[$0] >= 0 } ?? false
    }

    /// Checks, with overflow-checked arithmetic, that the scratch a node's step asks for
    /// (``StepBuilder/scratchBytes(node:specs:inputs:)``) is representable and within `limit`,
    /// so computing it cannot trap.
    private static func checkScratch(
        node: GraphNode, specs: [TensorSpec], inputs: [Int?], batch: Int, limit: Int
    ) throws {
        switch node.op {
        case .svmClassifier, .svmRegressor:
            let bytes = StepBuilder.svmScratchBytes(node: node, specs: specs, inputs: inputs)
            guard let bytes, bytes <= limit else {
                throw arenaError("scratch of '\(node.name)'", bytes ?? Int.max, batch: batch, limit: limit)
            }
            return
        case .treeEnsemble:
            break
        default:
            return
        }
        guard case .treeEnsemble(let t) = node.op else { return }
        let rows = inputs.first.flatMap { $0 }.map { specs[$0].shape.count == 2 ? specs[$0].shape[0] : 1 } ?? 0
        // The tree step's scratch is at most 2 × rows × outputs × 8 bytes.
        let bound = Tensor.elementCount(of: [2, rows, t.ensemble.outputCount, 8])
        guard let bound, bound <= limit else {
            throw arenaError("scratch of '\(node.name)'", bound ?? Int.max, batch: batch, limit: limit)
        }
    }

    /// The error for a plan whose buffers would exceed ``CompileOptions/maxArenaBytes``.
    private static func arenaError(
        _ name: String, _ bytes: Int, batch: Int, limit: Int, fileID: String = #fileID, line: Int = #line
    ) -> MLOpsError {
        MLOpsError(
            .limitExceeded,
            "Predicting \(batch) rows needs at least \(bytes) bytes of buffers (while placing '\(name)'), over "
                + "CompileOptions.maxArenaBytes (\(limit)). Predict in smaller batches or raise the limit.",
            value: name, fileID: fileID, line: line)
    }
}
