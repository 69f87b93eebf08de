/// A program resolved for one batch size: every tensor's shape, arena offsets assigned by
/// liveness, and the steps to run.
final class ResolvedPlan: Sendable {
    /// The batch size the plan was resolved for.
    let batch: Int
    /// Concrete type of every tensor.
    let specs: [TensorSpec]
    /// Arena byte offset per tensor, or -1 when the tensor does not live in the arena.
    let offsets: [Int]
    /// Bytes of arena the plan needs.
    let arenaBytes: Int
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

    init(program: ExecutionProgram, batch: Int) throws {
        let structure = program.structure
        let specs = try structure.specs(batch: batch)
        self.batch = batch
        self.specs = specs

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
        func place(_ bytes: Int, dies: Int) -> Int {
            let size = (bytes + 63) & ~63
            live.sort { $0.offset < $1.offset }
            var offset = 0
            for block in live {
                if offset + size <= block.offset { break }
                offset = max(offset, block.end)
            }
            live.append((offset, offset + size, dies))
            total = max(total, offset + size)
            return offset
        }
        for (position, n) in order.enumerated() {
            live.removeAll { $0.dies < position }
            for v in structure.nodeOutputs[n] where specs[v].elementType != .string {
                offsets[v] = place(specs[v].count * specs[v].elementType.byteCount, dies: max(dies[v], position))
            }
            let scratchBytes = StepBuilder.scratchBytes(
                node: program.graph.nodes[n], specs: specs, inputs: structure.nodeInputs[n])
            if scratchBytes > 0 { scratch[n] = place(scratchBytes, dies: position) }
        }
        self.offsets = offsets
        self.arenaBytes = total

        var steps: [any ExecutionStep] = []
        steps.reserveCapacity(order.count)
        for n in order {
            let builder = StepBuilder(
                program: program, nodeIndex: n, node: program.graph.nodes[n],
                inputs: structure.nodeInputs[n], outputs: structure.nodeOutputs[n], specs: specs,
                scratchOffset: scratch[n])
            steps.append(try builder.build())
        }
        self.steps = steps
        stepStorage = StepStorage(steps)

        inputByteCounts = program.inputValues.map { specs[$0].count * specs[$0].elementType.byteCount }
        outputByteCounts = program.outputValues.map { specs[$0].count * specs[$0].elementType.byteCount }
        outputShapes = program.outputValues.map { specs[$0].shape }
        firstOutputInArena = program.outputValues.first.map { offsets[$0] >= 0 } ?? false
        directOutputs = program.outputValues.map { v in
            if case .node = structure.producers[v] { return specs[v].elementType != .string }
            return false
        }
    }
}
