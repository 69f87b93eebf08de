import MLOpsCore

/// The checked structure of a ``ModelGraph``: every tensor name numbered, its producer,
/// its consumers, and a topological order of the nodes.
///
/// Building it performs the structural checks (names, arity, dangling references,
/// duplicate producers, cycles); ``specs(batch:)`` then performs the type and shape checks.
struct GraphStructure: Sendable {
    /// Who produces a tensor.
    enum Producer: Sendable, Hashable {
        /// Graph input at this position.
        case input(Int)
        /// An initialiser.
        case initializer
        /// Output `slot` of node `node`.
        case node(Int, slot: Int)
    }

    let graph: ModelGraph
    /// Names by value index.
    let names: [String]
    /// Value index by name.
    let index: [String: Int]
    /// Producer by value index.
    let producers: [Producer]
    /// Node input value indices (`nil` for an omitted optional input), by node.
    let nodeInputs: [[Int?]]
    /// Node output value indices, by node.
    let nodeOutputs: [[Int]]
    /// Nodes in an order where every producer precedes its consumers (stable w.r.t. the listed order).
    let order: [Int]
    /// Graph output value indices.
    let outputs: [Int]
    /// The checked structure of each scan node's body, by node index.
    let bodies: [Int: GraphStructure]
    /// How deeply this graph is nested: 1 for a model's graph, 2 for a scan body in it, ...
    let depth: Int

    /// Whether this is a subgraph (a scan body): its inputs take their shapes from the enclosing
    /// node, so their declared shapes may be missing or partly unknown.
    var isSubgraph: Bool { depth > 1 }

    /// Checks `graph`'s structure; `depth` is its nesting level (1 for a model's graph).
    init(_ graph: ModelGraph, depth: Int = 1) throws {
        self.graph = graph
        self.depth = depth
        var names: [String] = []
        var index: [String: Int] = [:]
        var producers: [Producer] = []

        func describe(_ p: Producer) -> String {
            switch p {
            case .input(let i): "graph input #\(i)"
            case .initializer: "an initialiser"
            case .node(let n, _): "node '\(graph.nodes[n].name)'"
            }
        }
        func add(_ name: String, _ producer: Producer) throws {
            if let existing = index[name] {
                throw GraphError.graph(
                    "Tensor '\(name)' is produced twice: by \(describe(producers[existing])) and by "
                        + "\(describe(producer)). Each tensor needs exactly one producer.",
                    value: name)
            }
            index[name] = names.count
            names.append(name)
            producers.append(producer)
        }

        for (i, info) in graph.inputs.enumerated() {
            guard !info.name.isEmpty else { throw GraphError.graph("Graph input #\(i) has an empty name.") }
            if depth > 1 {
                // A body's inputs take their shapes from the enclosing scan node.
                if let shape = info.shape,
                    shape.contains(where: { if case .fixed(let n) = $0 { n < 0 } else { false } })
                {
                    throw GraphError.graph(
                        "Input '\(info.name)' of subgraph '\(graph.name)' has a negative dimension.", value: info.name)
                }
                try add(info.name, .input(i))
                continue
            }
            guard let shape = info.shape else {
                throw GraphError.graph(
                    "Graph input '\(info.name)' has no shape; inputs need a declared shape.",
                    value: info.name)
            }
            for d in shape {
                switch d {
                case .fixed(let n) where n < 0:
                    throw GraphError.graph("Graph input '\(info.name)' has a negative dimension.", value: info.name)
                case .unknown:
                    throw GraphError.graph(
                        "Graph input '\(info.name)' has an unknown dimension; use .batch or a fixed size.",
                        value: info.name)
                default: break
                }
            }
            try add(info.name, .input(i))
        }
        for name in graph.initializers.keys.sorted() {
            guard !name.isEmpty else { throw GraphError.graph("An initialiser has an empty name.") }
            try add(name, .initializer)
        }
        var nodeOutputs: [[Int]] = []
        var bodies: [Int: GraphStructure] = [:]
        for (n, node) in graph.nodes.enumerated() {
            if case .scan(let scan) = node.op {
                bodies[n] = try ScanShapeInference.checkStructure(node, scan, depth: depth)
            }
            let arity = node.op.arity
            guard arity.inputs.contains(node.inputs.count) else {
                throw GraphError.node(
                    node,
                    "takes \(arity.inputs.lowerBound)\(arity.inputs.upperBound == Int.max ? "+" : arity.inputs.upperBound == arity.inputs.lowerBound ? "" : "…\(arity.inputs.upperBound)") inputs, got \(node.inputs.count)."
                )
            }
            guard node.outputs.count == arity.outputs else {
                throw GraphError.node(node, "has \(arity.outputs) outputs, got \(node.outputs.count).")
            }
            var outs: [Int] = []
            for (slot, name) in node.outputs.enumerated() {
                guard !name.isEmpty else { throw GraphError.node(node, "output #\(slot) has an empty name.") }
                try add(name, .node(n, slot: slot))
                outs.append(index[name] ?? 0)
            }
            nodeOutputs.append(outs)
        }
        var nodeInputs: [[Int?]] = []
        for node in graph.nodes {
            var ins: [Int?] = []
            for (slot, name) in node.inputs.enumerated() {
                if name.isEmpty {
                    guard case .gemm = node.op, slot == 2 else {
                        throw GraphError.node(node, "input #\(slot) is empty but is not optional.")
                    }
                    ins.append(nil)
                    continue
                }
                guard let v = index[name] else {
                    throw GraphError.node(
                        node, "reads tensor '\(name)', which no graph input, initialiser or node produces.",
                        tensor: name)
                }
                ins.append(v)
            }
            nodeInputs.append(ins)
        }
        var outputs: [Int] = []
        var seenOutputs = Set<String>()
        for info in graph.outputs {
            guard let v = index[info.name] else {
                throw GraphError.graph(
                    "Graph output '\(info.name)' is not produced by any node, input or initialiser.",
                    value: info.name)
            }
            guard seenOutputs.insert(info.name).inserted else {
                throw GraphError.graph("Graph output '\(info.name)' is listed twice.", value: info.name)
            }
            outputs.append(v)
        }
        guard !outputs.isEmpty else { throw GraphError.graph("The graph has no outputs.") }

        // Kahn's algorithm, taking ready nodes in listed order.
        var pending = [Int](repeating: 0, count: graph.nodes.count)
        var consumers = [[Int]](repeating: [], count: names.count)
        for (n, ins) in nodeInputs.enumerated() {
            for v in Set(ins.compactMap { $0 }) {
                if case .node = producers[v] {
                    pending[n] += 1
                    consumers[v].append(n)
                }
            }
        }
        // The ready nodes are a min-heap of indices, so each step is O(log n) however wide the
        // graph (re-sorting a list of ready nodes per step was quadratic).
        var ready = IndexHeap((0..<graph.nodes.count).filter { pending[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(graph.nodes.count)
        while let n = ready.popMin() {
            order.append(n)
            for v in nodeOutputs[n] {
                for c in consumers[v] {
                    pending[c] -= 1
                    if pending[c] == 0 { ready.insert(c) }
                }
            }
        }
        if order.count < graph.nodes.count {
            let stuck = (0..<graph.nodes.count).first { pending[$0] > 0 } ?? 0
            let node = graph.nodes[stuck]
            throw GraphError.node(
                node, "is part of a cycle (its inputs depend on its own outputs).",
                tensor: node.outputs.first)
        }

        self.names = names
        self.index = index
        self.producers = producers
        self.nodeInputs = nodeInputs
        self.nodeOutputs = nodeOutputs
        self.order = order
        self.outputs = outputs
        self.bodies = bodies
    }

    /// Infers every tensor's concrete type at batch size `batch` and checks the declared outputs.
    ///
    /// Every tensor's size is checked as soon as it is known (inputs and initialisers first, then
    /// each node's outputs), with overflow-checked arithmetic (see ``ShapeBounds``), so no later
    /// size computation on these specs can overflow.
    ///
    /// - Parameter maxElementsPerRow: If set, no tensor may have more than this many elements
    ///   per batch row (`maxElementsPerRow × batch` in all); otherwise sizes are only checked
    ///   for representability.
    /// - Throws: `MLOpsError` (`limitExceeded`) naming the tensor whose size overflows or is
    ///   over the limit; (`invalidArgument`) for type and shape errors.
    func specs(batch: Int, maxElementsPerRow: Int? = nil) throws -> [TensorSpec] {
        let maxElements = min(
            ShapeBounds.maxExtent,
            maxElementsPerRow.map { ShapeBounds.saturatingProduct($0, max(batch, 1)) } ?? Int.max)
        let inputs = graph.inputs.map { info in
            let shape = (info.shape ?? []).map { d -> Int in
                switch d {
                case .fixed(let n): n
                case .batch, .unknown: batch
                }
            }
            return TensorSpec(elementType: info.elementType, shape: shape)
        }
        return try propagate(inputs, batch: batch, maxElements: maxElements, perRow: maxElementsPerRow)
    }

    /// Infers every tensor's concrete type of a subgraph (a scan body) whose inputs have the
    /// concrete types `inputs`, checked against the declared ones (a declared rank and fixed sizes
    /// must match; ``Dimension/batch`` and ``Dimension/unknown`` match any size).
    ///
    /// - Parameters:
    ///   - batch: The enclosing plan's batch size (for messages).
    ///   - maxElements: The most elements any tensor may have.
    func subgraphSpecs(inputs: [TensorSpec], batch: Int, maxElements: Int) throws -> [TensorSpec] {
        guard inputs.count == graph.inputs.count else {
            throw GraphError.graph(
                "Subgraph '\(graph.name)' has \(graph.inputs.count) inputs but is given \(inputs.count).",
                value: graph.name)
        }
        for (info, spec) in zip(graph.inputs, inputs) {
            guard info.elementType == spec.elementType else {
                throw GraphError.graph(
                    "Input '\(info.name)' of subgraph '\(graph.name)' is declared \(info.elementType) but is given "
                        + "\(spec.elementType).", value: info.name)
            }
            if let shape = info.shape {
                let ok =
                    shape.count == spec.shape.count
                    && zip(shape, spec.shape).allSatisfy { d, size in
                        if case .fixed(let n) = d { return n == size }
                        return true
                    }
                guard ok else {
                    throw GraphError.graph(
                        "Input '\(info.name)' of subgraph '\(graph.name)' is declared \(info) but is given shape "
                            + "\(spec.shape).", value: info.name)
                }
            }
        }
        return try propagate(inputs, batch: batch, maxElements: min(maxElements, ShapeBounds.maxExtent), perRow: nil)
    }

    /// Checks the input specs, infers every node's outputs in order and checks the declared outputs.
    private func propagate(_ inputs: [TensorSpec], batch: Int, maxElements: Int, perRow: Int?) throws
        -> [TensorSpec]
    {
        func check(_ spec: TensorSpec, _ name: String, _ origin: String) throws {
            try ShapeBounds.check(
                spec, name: name, origin: origin, batch: batch, maxElements: maxElements, perRow: perRow)
        }
        var specs = [TensorSpec?](repeating: nil, count: names.count)
        for (i, (info, spec)) in zip(graph.inputs, inputs).enumerated() {
            try check(spec, info.name, "Graph input")
            specs[index[info.name] ?? i] = spec
        }
        // Plan-time values of small int64 tensors (shape arithmetic; see KnownValues).
        var values = [[Int64]?](repeating: nil, count: names.count)
        for (name, tensor) in graph.initializers {
            guard let v = index[name] else { continue }
            let spec = TensorSpec(elementType: tensor.elementType, shape: tensor.shape)
            try check(spec, name, "Initialiser")
            specs[v] = spec
            values[v] = KnownValues.value(of: tensor)
        }
        for n in order {
            let node = graph.nodes[n]
            let ins = nodeInputs[n].map { $0.flatMap { specs[$0] } }
            let known = nodeInputs[n].map { $0.flatMap { values[$0] } }
            let outs: [TensorSpec]
            if case .scan(let scan) = node.op, let body = bodies[n] {
                outs = try ScanShapeInference.infer(
                    node, scan, body: body, inputs: ins, batch: batch, maxElements: maxElements
                ).outputs
            } else {
                outs = try ShapeInference.infer(node, ins, values: known)
            }
            for (slot, v) in nodeOutputs[n].enumerated() {
                try check(outs[slot], names[v], "Node '\(node.name)' (\(node.op.kindName)): output")
                specs[v] = outs[slot]
            }
            if outs.first?.elementType == .int64 {
                for (slot, value) in KnownValues.evaluate(node, inputs: ins, values: known, outputs: outs).enumerated()
                where slot < nodeOutputs[n].count {
                    values[nodeOutputs[n][slot]] = value
                }
            }
        }
        let result = specs.map { $0 ?? TensorSpec(elementType: .float32, shape: []) }
        for (info, v) in zip(graph.outputs, outputs) {
            let spec = result[v]
            guard spec.elementType == info.elementType else {
                throw GraphError.graph(
                    "\(isSubgraph ? "Output '\(info.name)' of subgraph '\(graph.name)'" : "Graph output '\(info.name)'") "
                        + "is declared \(info.elementType) but computes \(spec.elementType).",
                    value: info.name)
            }
            if let shape = info.shape {
                let ok =
                    shape.count == spec.shape.count
                    && zip(shape, spec.shape).allSatisfy { d, size in
                        isSubgraph && d == .batch ? true : d.matches(size, batch: batch)
                    }
                guard ok else {
                    throw GraphError.graph(
                        "\(isSubgraph ? "Output '\(info.name)' of subgraph '\(graph.name)'" : "Graph output '\(info.name)'") "
                            + "is declared \(info) but computes shape \(spec.shape) at batch size \(batch).",
                        value: info.name)
                }
            }
        }
        return result
    }
}

/// A binary min-heap of node indices (the topological sort's ready set).
private struct IndexHeap {
    private var items: [Int]

    /// A heap of `items` (already sorted ascending, so already a heap).
    init(_ items: [Int]) { self.items = items }

    mutating func insert(_ item: Int) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Int? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let minimum = items[0]
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return minimum
    }
}
