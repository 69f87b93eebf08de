/// Rewrites a validated ``ModelGraph`` into an equivalent one that runs faster.
///
/// Passes (each keeps graph outputs and their names intact):
/// - identity removal: `identity` nodes and scalers with offset 0 and scale 1 on `float32`
///   input are bypassed (their readers read the source tensor) unless they produce a graph output;
/// - `matMul(A, W)` with a constant 2-D `float32` `W` and a 2-D `A` becomes `gemm(A, W)`, and
///   a following `add` of a constant bias that broadcasts to [M, N] is folded in as `C`;
/// - an activation (`relu`, `sigmoid`, `tanh`) reading only a `gemm`'s output is fused into it.
struct GraphOptimizer {
    var graph: ModelGraph
    /// Concrete specs at batch sizes 1 and 2, by tensor name (from the unoptimised graph).
    let specs1: [String: TensorSpec]
    let specs2: [String: TensorSpec]

    init(_ graph: ModelGraph) throws {
        self.graph = graph
        let structure = try GraphStructure(graph)
        let s1 = try structure.specs(batch: 1)
        let s2 = try structure.specs(batch: 2)
        var d1: [String: TensorSpec] = [:]
        var d2: [String: TensorSpec] = [:]
        for (i, name) in structure.names.enumerated() {
            d1[name] = s1[i]
            d2[name] = s2[i]
        }
        specs1 = d1
        specs2 = d2
    }

    /// Runs every pass and returns the rewritten graph.
    mutating func run() -> ModelGraph {
        removeIdentities()
        fuseMatMulAdd()
        fuseActivations()
        return graph
    }

    private var graphOutputs: Set<String> { Set(graph.outputs.map(\.name)) }

    /// For each tensor, the node whose input reads it when exactly one input of one node does
    /// (`nil` when several do), built in one pass so each pass stays linear in the graph.
    private func soleReaders() -> [String: Int?] {
        var readers: [String: Int?] = [:]
        for (i, node) in graph.nodes.enumerated() {
            for name in node.inputs where !name.isEmpty {
                if readers[name] == nil {
                    readers[name] = .some(i)
                } else {
                    readers[name] = .some(nil)
                }
            }
        }
        return readers
    }

    private mutating func removeIdentities() {
        let outputs = graphOutputs
        var removed = Set<Int>()
        var alias: [String: String] = [:]
        for i in graph.nodes.indices {
            let node = graph.nodes[i]
            let isTrivial: Bool
            switch node.op {
            case .identity:
                isTrivial = true
            case .scaler(let s):
                isTrivial =
                    specs1[node.inputs[0]]?.elementType == .float32
                    && s.offset.allSatisfy { $0 == 0 } && s.scale.allSatisfy { $0 == 1 }
            default:
                isTrivial = false
            }
            guard isTrivial, let out = node.outputs.first, !outputs.contains(out) else { continue }
            alias[out] = node.inputs[0]
            removed.insert(i)
        }
        guard !removed.isEmpty else { return }
        // Every read of an identity's output reads its source instead, following chains of
        // identities (the graph is acyclic, so every chain ends); each chain is walked once and
        // then points straight at its end, so the pass stays linear.
        func resolve(_ name: String) -> String {
            var path: [String] = []
            var current = name
            while let source = alias[current] {
                path.append(current)
                current = source
            }
            for step in path { alias[step] = current }
            return current
        }
        for j in graph.nodes.indices {
            graph.nodes[j].inputs = graph.nodes[j].inputs.map { alias[$0] == nil ? $0 : resolve($0) }
        }
        graph.nodes = graph.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    private func isConstantMatrix(_ name: String) -> Bool {
        guard let t = graph.initializers[name] else { return false }
        return t.elementType == .float32 && t.shape.count == 2
    }

    private mutating func fuseMatMulAdd() {
        let outputs = graphOutputs
        let readers = soleReaders()
        var removed = Set<Int>()
        for i in graph.nodes.indices {
            let node = graph.nodes[i]
            guard case .matMul = node.op, isConstantMatrix(node.inputs[1]),
                specs1[node.inputs[0]]?.shape.count == 2, specs2[node.inputs[0]]?.shape.count == 2,
                let product = node.outputs.first
            else { continue }
            var fused = GraphNode(
                name: node.name, op: .gemm(GraphOp.Gemm()), inputs: node.inputs, outputs: node.outputs)
            if !outputs.contains(product), let j = readers[product] ?? nil, !removed.contains(j),
                case .add = graph.nodes[j].op
            {
                let add = graph.nodes[j]
                let other = add.inputs[0] == product ? add.inputs[1] : add.inputs[0]
                if let bias = graph.initializers[other], bias.elementType == .float32, bias.shape.count <= 2,
                    let m1 = specs1[product], let m2 = specs2[product],
                    TensorSpec.broadcast(bias.shape, m1.shape) == m1.shape,
                    TensorSpec.broadcast(bias.shape, m2.shape) == m2.shape
                {
                    fused.inputs = [node.inputs[0], node.inputs[1], other]
                    fused.outputs = add.outputs
                    removed.insert(j)
                }
            }
            graph.nodes[i] = fused
        }
        graph.nodes = graph.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    private mutating func fuseActivations() {
        let outputs = graphOutputs
        let readers = soleReaders()
        var removed = Set<Int>()
        for i in graph.nodes.indices {
            guard case .gemm(var g) = graph.nodes[i].op, g.activation == .none,
                let out = graph.nodes[i].outputs.first, !outputs.contains(out),
                let j = readers[out] ?? nil, !removed.contains(j)
            else { continue }
            let activation: GraphOp.Activation
            switch graph.nodes[j].op {
            case .relu: activation = .relu
            case .sigmoid: activation = .sigmoid
            case .tanh: activation = .tanh
            default: continue
            }
            g.activation = activation
            graph.nodes[i].op = .gemm(g)
            graph.nodes[i].outputs = graph.nodes[j].outputs
            removed.insert(j)
        }
        graph.nodes = graph.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }
}
